package dev.goldenfive.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * One module as a module proxy serves it (GOPROXY protocol: the version list, .info, .mod, .zip) and as a
 * checksum database records it ({@code /lookup}, {@code /latest}), for the agent to fetch and compare.
 */
final class TestModules {

    static final String MODULE = "golang.org/x/text";
    static final String VERSION = "v0.14.0";
    static final String GO_MOD = "module golang.org/x/text\n\ngo 1.18\n";

    private TestModules() {
    }

    /** The module proxy's answers, under {@code prefix} ("" or "/mirror"). */
    static void proxy(HttpServer server, String prefix) {
        String base = prefix + "/" + MODULE + "/@v/";
        server.createContext(base + "list", exchange -> answer(exchange, 200, "v0.13.0\n" + VERSION + "\n"));
        server.createContext(base + VERSION + ".info", exchange -> answer(exchange, 200,
                "{\"Version\":\"" + VERSION + "\",\"Time\":\"2023-10-11T20:35:02Z\"}"));
        server.createContext(base + VERSION + ".mod", exchange -> answer(exchange, 200, GO_MOD));
        server.createContext(base + VERSION + ".zip", exchange -> answer(exchange, 200, zip()));
    }

    /** The checksum database under {@code prefix}; when {@code honest} is false it records another go.mod than the proxy serves. */
    static void checksumDatabase(HttpServer server, String prefix, boolean honest) {
        server.createContext(prefix + "/latest", exchange -> answer(exchange, 200, "go.sum database tree\n1\nAAAA\n"));
        server.createContext(prefix + "/lookup/" + MODULE + "@" + VERSION, exchange -> answer(exchange, 200,
                "1\n" + MODULE + " " + VERSION + " " + zipHash() + "\n"
                        + MODULE + " " + VERSION + "/go.mod " + h1(honest ? GO_MOD : GO_MOD + "// tampered\n") + "\n\n"
                        + "go.sum database tree\n1\nAAAA\n"));
    }

    /** The go.sum of a module that requires this one: what go checks the zip and go.mod it downloads against. */
    static String goSum() {
        return MODULE + " " + VERSION + " " + zipHash() + "\n" + MODULE + " " + VERSION + "/go.mod " + h1(GO_MOD) + "\n";
    }

    /** The hash go records for the module's zip: over its one file, the line "<hex SHA-256>  <name in the zip>". */
    static String zipHash() {
        String line = HexFormat.of().formatHex(sha256(GO_MOD.getBytes(StandardCharsets.UTF_8))) + "  " + MODULE + "@" + VERSION + "/go.mod\n";
        return "h1:" + base64(sha256(line.getBytes(StandardCharsets.UTF_8)));
    }

    /** The hash go records for a go.mod file: SHA-256 of the line "<hex SHA-256 of the file>  go.mod". */
    static String h1(String goMod) {
        String line = HexFormat.of().formatHex(sha256(goMod.getBytes(StandardCharsets.UTF_8))) + "  go.mod\n";
        return "h1:" + base64(sha256(line.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] zip() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(MODULE + "@" + VERSION + "/go.mod"));
            zip.write(GO_MOD.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        answer(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
