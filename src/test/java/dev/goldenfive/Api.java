package dev.goldenfive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Real HTTP calls to the running application, with a bearer token (or none when it is null). */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    public int port() {
        return port;
    }

    public Api(int port) {
        this.port = port;
    }

    /** A body compressed as gzip, for Content-Encoding: gzip. */
    public static byte[] gzip(String text) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    /** The client itself, for answers that are not text. */
    public HttpClient http() {
        return HTTP;
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    public HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)), token);
    }

    public HttpResponse<String> post(String path, String token, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    public HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), token);
    }

    public HttpResponse<String> put(String path, String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    /** Writes the required sections of a resolved incident's review and completes it, so the incident may close. */
    public void completeReview(String key, String token) throws Exception {
        var written = put("/api/v1/incidents/" + key + "/review", token, """
                {"status":"in-review","summary":"s","impact":"i","rootCause":"r","rootCauseCategory":"dns"}""");
        if (written.statusCode() != 200) {
            throw new AssertionError("review of " + key + ": " + written.body());
        }
        var completed = post("/api/v1/incidents/" + key + "/review/complete", token, "application/json", "");
        if (completed.statusCode() != 200) {
            throw new AssertionError("completing the review of " + key + ": " + completed.body());
        }
    }
}
