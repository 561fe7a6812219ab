package dev.goldenfive;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * A chat service's incoming webhooks, on loopback: every request is kept by path, and each path answers as told
 * (by default 200 with {@code ok}).
 */
public final class Receiver implements AutoCloseable {

    /** One request as it arrived. */
    public record Request(String path, String query, Map<String, String> headers, String body) {
    }

    /** What a path answers: a status and a body. */
    public record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, BlockingQueue<Request>> received = new ConcurrentHashMap<>();
    private final Map<String, Function<Request, Answer>> answers = new ConcurrentHashMap<>();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            Request request = new Request(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            queue(request.path()).add(request);
            Answer answer = answers.getOrDefault(request.path(), r -> new Answer(200, "ok")).apply(request);
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.body().startsWith("{") ? "application/json" : "text/plain");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void answer(String path, Function<Request, Answer> answer) {
        answers.put(path, answer);
    }

    public BlockingQueue<Request> queue(String path) {
        return received.computeIfAbsent(path, p -> new LinkedBlockingQueue<>());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
