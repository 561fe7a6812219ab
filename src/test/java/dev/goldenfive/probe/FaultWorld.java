package dev.goldenfive.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A small world to inject faults into, on this machine only: a client in a network namespace of its own,
 * joined by a veth pair to addresses in 10.250.0.0/16 on this side, where a module proxy, a mirror and a
 * checksum database answer over HTTPS with certificates of a test CA, a dnsmasq resolves their names, and a
 * plain TCP port stands for a known-good address outside. goldenfive itself is reached at {@link #GATEWAY},
 * a path no fault touches, as an agent's way home would be. Needs root, iproute2, dnsmasq, openssl, curl and dig.
 */
final class FaultWorld implements AutoCloseable {

    static final String NAMESPACE = "gf5-client";
    static final String GATEWAY = "10.250.0.1";
    static final String PROXY_NAME = "proxy.gf5.test";
    static final String MIRROR_NAME = "mirror.gf5.test";
    static final String SUMDB_NAME = "sum.gf5.test";
    static final String DEAD_NAME = "dead.gf5.test";
    static final String REFERENCE = "10.250.1.99:443";
    /** Every address of the world outside the client: the proxy, the mirror, the resolver, the known-good address. */
    static final String WORLD = "10.250.1.0/24";
    static final String PROXY = "10.250.1.10";

    private static final String HOST_LINK = "gf5-h";
    private static final String CLIENT_LINK = "gf5-c";
    private static final String CLIENT = "10.250.0.2";
    private static final String MIRROR = "10.250.1.11";
    private static final String SUMDB = "10.250.1.12";
    private static final String DEAD = "10.250.1.13";
    private static final String RESOLVER = "10.250.1.53";
    private static final int AUTHORITY_PORT = 5399;
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** A fault, how it is injected, and the boundary it must be diagnosed as. */
    enum Fault {
        WORLD_BLACKHOLED("local-network", true),
        WORLD_BLACKHOLED_WITHOUT_ICMP("local-network", false),
        RESOLVER_UNREACHABLE("dns", true),
        RESOLVER_UNREACHABLE_WITHOUT_ICMP("dns", false),
        RESOLVER_SERVFAIL("dns", true),
        PROXY_NXDOMAIN("dns", true),
        CERTIFICATE_FROM_AN_UNKNOWN_CA("tls", true),
        PROXY_PORT_CLOSED("remote-service", true),
        PROXY_ANSWERS_503("remote-service", true),
        PROXY_HANGS_AFTER_CONNECT("remote-service", true),
        GOPROXY_NAMES_A_DEAD_PROXY("proxy-configuration", true),
        CHECKSUM_DATABASE_REPORTS_A_MISMATCH("proxy-configuration", true),
        PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY("proxy-configuration", true);

        final String boundary;
        final boolean icmp;

        Fault(String boundary, boolean icmp) {
            this.boundary = boundary;
            this.icmp = icmp;
        }

        void inject(FaultWorld world) throws Exception {
            switch (this) {
                case WORLD_BLACKHOLED, WORLD_BLACKHOLED_WITHOUT_ICMP -> world.blackholeTheWorld();
                case RESOLVER_UNREACHABLE, RESOLVER_UNREACHABLE_WITHOUT_ICMP -> world.cutOffTheResolver();
                case RESOLVER_SERVFAIL -> world.resolve(Resolver.SERVFAIL);
                case PROXY_NXDOMAIN -> world.resolve(Resolver.NXDOMAIN);
                case CERTIFICATE_FROM_AN_UNKNOWN_CA -> world.proxy(Proxy.UNKNOWN_CA);
                case PROXY_PORT_CLOSED -> world.proxy(Proxy.CLOSED);
                case PROXY_ANSWERS_503 -> world.proxy(Proxy.ERROR_503);
                case PROXY_HANGS_AFTER_CONNECT -> world.proxy(Proxy.HANGS_AFTER_CONNECT);
                case CHECKSUM_DATABASE_REPORTS_A_MISMATCH -> world.checksums(false);
                case GOPROXY_NAMES_A_DEAD_PROXY, PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY -> {
                    // the world is fine: the agent's GOPROXY names a proxy that is gone; no GOPRIVATE names the private module
                }
            }
        }

        /** What the incident says when it is declared. */
        String context() {
            return this == PRIVATE_MODULE_THROUGH_THE_PUBLIC_PROXY
                    ? ",\"context\":{\"module\":\"git.corp.gf5.test/team/lib\",\"goprivate\":\"git.corp.gf5.test\"}" : "";
        }

        /** What the agent's machine has set. */
        Map<String, String> environment() {
            return this == GOPROXY_NAMES_A_DEAD_PROXY ? Map.of("GOPROXY", "https://" + DEAD_NAME + ",direct") : Map.of();
        }
    }

    /** How the module proxy behaves. */
    enum Proxy { HEALTHY, UNKNOWN_CA, CLOSED, ERROR_503, HANGS_AFTER_CONNECT }

    /** How the client's resolver behaves. */
    enum Resolver { HEALTHY, SERVFAIL, NXDOMAIN }

    private final Path dir;
    private final List<Process> resolvers = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private final SSLContext trusted;
    private final SSLContext unknown;
    private final ServerSocket reference = new ServerSocket();
    private HttpServer proxy;
    private HttpServer checksums;
    private Hang hang;

    /** Why this machine cannot build the world, or empty when it can. */
    static Optional<String> whyNot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root");
        }
        for (String command : List.of("ip", "dnsmasq", "openssl", "curl", "dig", "setpriv")) {
            if (!onPath(command)) {
                return Optional.of(command + " is not installed (.ci/run installs it)");
            }
        }
        return Optional.empty();
    }

    static FaultWorld build() throws Exception {
        Path dir = Files.createTempDirectory("gf5-world");
        certificates(dir);
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("go.mod"), "module example.com/app\n\ngo 1.19\n\nrequire " + TestModules.MODULE + " " + TestModules.VERSION + "\n");
        Files.writeString(app.resolve("go.sum"), TestModules.goSum());
        Files.writeString(app.resolve("main.go"), "package main\n\nfunc main() {}\n");
        FaultWorld world = new FaultWorld(dir);
        try {
            world.network();
            world.serve();
            world.resolve(Resolver.HEALTHY);
            return world;
        }
        catch (Exception | Error ex) {
            world.close();
            throw ex;
        }
    }

    private FaultWorld(Path dir) throws Exception {
        this.dir = dir;
        this.trusted = tls(dir.resolve("server.p12"));
        this.unknown = tls(dir.resolve("rogue.p12"));
    }

    /** The test CA the client trusts. */
    Path ca() {
        return dir.resolve("ca.pem");
    }

    /** Everything as it should be: every fault of a previous row undone. */
    void heal() throws Exception {
        runQuietly("ip", "netns", "exec", NAMESPACE, "ip", "route", "del", "blackhole", WORLD);
        runQuietly("ip", "netns", "exec", NAMESPACE, "ip", "route", "del", "blackhole", RESOLVER + "/32");
        proxy(Proxy.HEALTHY);
        checksums(true);
        resolve(Resolver.HEALTHY);
    }

    /** The checksum database records the go.mod the proxy serves, or ({@code honest} false) another one. */
    void checksums(boolean honest) throws IOException {
        if (checksums != null) {
            checksums.stop(0);
            servers.remove(checksums);
        }
        checksums = https(SUMDB, trusted, 404);
        TestModules.checksumDatabase(checksums, "", honest);
    }

    /** The client's route to the world goes nowhere; its way to goldenfive still works. */
    void blackholeTheWorld() throws Exception {
        run("ip", "netns", "exec", NAMESPACE, "ip", "route", "add", "blackhole", WORLD);
    }

    /** The client cannot reach its resolver; everything else answers. */
    void cutOffTheResolver() throws Exception {
        run("ip", "netns", "exec", NAMESPACE, "ip", "route", "add", "blackhole", RESOLVER + "/32");
    }

    void proxy(Proxy behaviour) throws IOException {
        if (proxy != null) {
            proxy.stop(0);
            servers.remove(proxy);
            proxy = null;
        }
        if (hang != null) {
            hang.close();
            hang = null;
        }
        switch (behaviour) {
            case HEALTHY -> proxy = https(PROXY, trusted, 200);
            case UNKNOWN_CA -> proxy = https(PROXY, unknown, 200);
            case ERROR_503 -> proxy = https(PROXY, trusted, 503);
            case HANGS_AFTER_CONNECT -> hang = new Hang(PROXY);
            case CLOSED -> {
            }
        }
    }

    /**
     * The client's resolver, a dnsmasq at {@link #RESOLVER}: it answers the test names, answers NXDOMAIN for
     * the proxy, or (SERVFAIL) insists on DNSSEC for a zone whose authority, a second dnsmasq on loopback, signs nothing.
     */
    void resolve(Resolver behaviour) throws Exception {
        resolvers.forEach(FaultWorld::stop);
        resolvers.clear();
        List<String> resolver = new ArrayList<>(List.of("dnsmasq", "--conf-file=/dev/null", "--keep-in-foreground", "--bind-interfaces",
                "--listen-address=" + RESOLVER, "--no-resolv", "--no-hosts", "--pid-file="));
        List<String> names = List.of("--local=/gf5.test/", "--address=/" + MIRROR_NAME + "/" + MIRROR, "--address=/" + SUMDB_NAME + "/" + SUMDB,
                "--address=/" + DEAD_NAME + "/" + DEAD);
        switch (behaviour) {
            case HEALTHY -> {
                resolver.addAll(names);
                resolver.add("--address=/" + PROXY_NAME + "/" + PROXY);
            }
            case NXDOMAIN -> resolver.addAll(names);
            case SERVFAIL -> {
                List<String> authority = new ArrayList<>(List.of("dnsmasq", "--conf-file=/dev/null", "--keep-in-foreground", "--bind-interfaces",
                        "--listen-address=127.0.0.1", "--port=" + AUTHORITY_PORT, "--no-resolv", "--no-hosts", "--pid-file="));
                authority.addAll(names);
                authority.add("--address=/" + PROXY_NAME + "/" + PROXY);
                resolvers.add(start(authority));
                // the root's real trust anchor: the authority's unsigned answers cannot validate against it
                resolver.addAll(List.of("--dnssec", "--server=127.0.0.1#" + AUTHORITY_PORT,
                        "--trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"));
            }
        }
        resolvers.add(start(resolver));
        awaitPort(RESOLVER, 53);
    }

    /**
     * The standing agent of {@code service} for {@code fault}, posting to goldenfive at {@code goldenfive} (reached
     * through {@link #GATEWAY}) with {@code token}, probing the proxy: the machine as the fault leaves it (ICMP, GOPROXY),
     * or as it should be without one ({@code fault} null).
     */
    StandingAgent standingAgent(Path script, int goldenfivePort, String token, String service, Fault fault) throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of("GOLDENFIVE_URL", "http://" + GATEWAY + ":" + goldenfivePort,
                "GOLDENFIVE_TOKEN", token, "GOLDENFIVE_LABELS", "service=" + service + ",environment=ci",
                // a machine of its own: go finds no module another agent downloaded
                "GOMODCACHE", dir.resolve("modcache-" + service).toString()));
        environment.putAll(fault == null ? Map.of() : fault.environment());
        return standingAgent(script, environment, fault == null || fault.icmp, "https://" + PROXY_NAME);
    }

    /**
     * A standing agent in the client's namespace ({@code sh script watch target…}), with {@code environment} on
     * top of the world's own settings; without ICMP it runs as a container without CAP_NET_RAW does.
     */
    StandingAgent standingAgent(Path script, Map<String, String> environment, boolean icmp, String... targets) throws IOException {
        return agent(script, List.of(), environment, icmp, targets);
    }

    /**
     * The standing agent of {@code service} started with the fault flag ({@code -F}), as root in the client's namespace:
     * it injects the faults of the drills that name its host there, and keeps its ledger of them in {@code state}.
     */
    StandingAgent drillAgent(Path script, int goldenfivePort, String token, String service, Path state) throws IOException {
        return agent(script, List.of("-F"), Map.of("GOLDENFIVE_URL", "http://" + GATEWAY + ":" + goldenfivePort, "GOLDENFIVE_TOKEN", token,
                "GOLDENFIVE_LABELS", "service=" + service + ",environment=ci", "GOLDENFIVE_STATE", state.toString(),
                "GOMODCACHE", dir.resolve("modcache-" + service).toString()), true, "https://" + PROXY_NAME);
    }

    /** What {@code command} says when run in the client's namespace (its routes, its firewall rules). */
    String inside(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private StandingAgent agent(Path script, List<String> options, Map<String, String> environment, boolean icmp, String... targets)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE));
        if (!icmp) {
            command.addAll(List.of("setpriv", "--bounding-set", "-net_raw", "--inh-caps", "-net_raw"));
        }
        command.addAll(List.of("sh", script.toString()));
        command.addAll(options);
        command.add("watch");
        command.addAll(List.of(targets));
        Map<String, String> settings = new HashMap<>(Map.of("GOPROXY", "https://" + PROXY_NAME, "GOSUMDB", SUMDB_NAME + " https://" + SUMDB_NAME,
                "GOLDENFIVE_MIRROR", "https://" + MIRROR_NAME, "GOLDENFIVE_REFERENCE", REFERENCE, "GOLDENFIVE_TIMEOUT", "2",
                "CURL_CA_BUNDLE", ca().toString(), "SSL_CERT_FILE", ca().toString(), "HOME", dir.toString(),
                // go's module cache, under HOME, may be removed with the world
                "GOFLAGS", "-modcacherw"));
        settings.putAll(environment);
        // in a Go module that needs the proxy's module: when the work asks for the build, go itself downloads it
        return StandingAgent.start(command, settings, dir.resolve("app"));
    }

    @Override
    public void close() {
        resolvers.forEach(FaultWorld::stop);
        servers.forEach(s -> s.stop(0));
        try {
            reference.close();
        }
        catch (IOException ignored) {
            // closing what is gone anyway
        }
        if (hang != null) {
            hang.close();
        }
        removeNetwork();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException ignored) {
            // a temporary directory left behind harms nothing
        }
    }

    private void network() throws Exception {
        removeNetwork();
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", CLIENT_LINK);
        run("ip", "link", "set", CLIENT_LINK, "netns", NAMESPACE);
        run("ip", "addr", "add", GATEWAY + "/24", "dev", HOST_LINK);
        for (String address : List.of(PROXY, MIRROR, SUMDB, DEAD, RESOLVER, REFERENCE.split(":")[0])) {
            run("ip", "addr", "add", address + "/32", "dev", HOST_LINK);
        }
        run("ip", "link", "set", HOST_LINK, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", CLIENT + "/24", "dev", CLIENT_LINK);
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", CLIENT_LINK, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "route", "add", "default", "via", GATEWAY);
        // `ip netns exec` puts this file over /etc/resolv.conf for the client
        Path etc = Path.of("/etc/netns", NAMESPACE);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver " + RESOLVER + "\noptions timeout:2 attempts:1\n");
    }

    private static void removeNetwork() {
        runQuietly("ip", "netns", "del", NAMESPACE);
        runQuietly("ip", "link", "del", HOST_LINK);
        Path etc = Path.of("/etc/netns", NAMESPACE);
        etc.resolve("resolv.conf").toFile().delete();
        etc.toFile().delete();
    }

    private void serve() throws IOException {
        https(MIRROR, trusted, 200);
        checksums(true);
        proxy(Proxy.HEALTHY);
        // the known-good address: it takes connections and closes them
        reference.bind(new InetSocketAddress(InetAddress.getByName(REFERENCE.split(":")[0]), 443));
        Thread.ofVirtual().start(() -> {
            while (!reference.isClosed()) {
                try (Socket ignored = reference.accept()) {
                    // closed at once
                }
                catch (IOException ex) {
                    return;
                }
            }
        });
    }

    /**
     * A server on {@code address}:443: a module proxy with {@link TestModules}' module when {@code status} is 200
     * (its root answers too, anything else is not found), else one that answers {@code status} to everything.
     */
    private HttpsServer https(String address, SSLContext tls, int status) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), 443), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> TestModules.answer(exchange,
                status == 200 && !exchange.getRequestURI().getPath().equals("/") ? 404 : status, "a module proxy\n"));
        if (status == 200) {
            TestModules.proxy(server, "");
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        servers.add(server);
        return server;
    }

    /** Takes connections and never says a word: a proxy that hangs before TLS. */
    private static final class Hang implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread accepting;

        Hang(String address) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 443));
            accepting = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        held.add(socket.accept());
                    }
                    catch (IOException ex) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() {
            try {
                socket.close();
                // the port is free only once the accepting thread has let go of it
                accepting.join(Duration.ofSeconds(5));
                for (Socket s : held) {
                    s.close();
                }
            }
            catch (IOException ignored) {
                // closing what is gone anyway
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }


    /** A test CA and a certificate of it for every test name; a second CA nobody trusts, with the same names. */
    private static void certificates(Path dir) throws Exception {
        String names = "subjectAltName=DNS:" + PROXY_NAME + ",DNS:" + MIRROR_NAME + ",DNS:" + SUMDB_NAME + ",DNS:" + DEAD_NAME;
        Files.writeString(dir.resolve("names.ext"), names + "\n");
        for (String[] pair : List.of(new String[] {"ca", "server"}, new String[] {"rogue-ca", "rogue"})) {
            String ca = pair[0];
            String leaf = pair[1];
            run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "2", "-subj", "/CN=goldenfive test " + ca);
            run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", leaf + ".key", "-out", leaf + ".csr", "-subj", "/CN=" + PROXY_NAME);
            run(dir, "openssl", "x509", "-req", "-in", leaf + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                    "-out", leaf + ".pem", "-days", "2", "-extfile", "names.ext");
            run(dir, "openssl", "pkcs12", "-export", "-in", leaf + ".pem", "-inkey", leaf + ".key", "-out", leaf + ".p12",
                    "-passout", "pass:" + new String(PASSWORD));
        }
    }

    private static SSLContext tls(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitPort(String address, int port) throws Exception {
        for (int i = 0; i < 50; i++) {
            Process probe = new ProcessBuilder("dig", "+time=1", "+tries=1", "@" + address, "-p", String.valueOf(port), PROXY_NAME)
                    .redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (probe.waitFor() == 0 && out.contains("status:")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the resolver at " + address + " did not start");
    }

    static boolean onPath(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command)) || Files.isExecutable(Path.of("/sbin", command));
    }

    private static void run(String... command) throws Exception {
        run(null, command);
    }

    private static void run(Path dir, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void runQuietly(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.waitFor();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
