package dev.goldenfive.security;

import java.net.InetAddress;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldif.LDIFException;

/**
 * A real LDAP server for the tests (UnboundID's in-memory directory, speaking LDAP on a loopback port): people under
 * {@code ou=people}, groups of names under {@code ou=groups}, and a manager who may read them.
 */
final class TestDirectory implements AutoCloseable {

    static final String BASE = "dc=example,dc=test";
    static final String MANAGER = "cn=manager," + BASE;
    static final String MANAGER_PASSWORD = "test-directory-manager-secret";

    private final InMemoryDirectoryServer server;

    TestDirectory() {
        try {
            var config = new InMemoryDirectoryServerConfig(BASE);
            config.addAdditionalBindCredentials(MANAGER, MANAGER_PASSWORD);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
            server = new InMemoryDirectoryServer(config);
            server.add("dn: " + BASE, "objectClass: domain", "dc: example");
            server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
            server.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
            server.startListening();
        }
        catch (LDAPException | LDIFException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** ldap://127.0.0.1:port/dc=example,dc=test */
    String url() {
        return "ldap://127.0.0.1:" + server.getListenPort() + "/" + BASE;
    }

    static String dnOf(String uid) {
        return "uid=" + uid + ",ou=people," + BASE;
    }

    void person(String uid, String name, String password, String... groups) throws LDAPException, LDIFException {
        server.add("dn: " + dnOf(uid), "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + name,
                "sn: " + name.substring(name.lastIndexOf(' ') + 1), "mail: " + uid + "@example.test", "userPassword: " + password);
        for (String group : groups) {
            String dn = "cn=" + group + ",ou=groups," + BASE;
            if (server.getEntry(dn) == null) {
                server.add("dn: " + dn, "objectClass: groupOfNames", "cn: " + group, "member: " + dnOf(uid));
            }
            else {
                server.modify(dn, new Modification(ModificationType.ADD, "member", dnOf(uid)));
            }
        }
    }

    void remove(String uid) throws LDAPException {
        server.delete(dnOf(uid));
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
