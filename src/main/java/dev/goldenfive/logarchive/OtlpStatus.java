package dev.goldenfive.logarchive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.rpc.Code;
import com.google.rpc.Status;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;

import dev.goldenfive.web.FieldProblem;

/**
 * OTLP/HTTP's answers when a request fails: every 4xx and 5xx carries a {@code google.rpc.Status} (a code from gRPC's
 * list and a message for the developer), encoded as the request was, protobuf or JSON, as the specification asks.
 */
final class OtlpStatus {

    static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");

    private OtlpStatus() {
    }

    /** The two encodings OTLP/HTTP has, by the request's Content-Type; null for any other. */
    enum Encoding {
        PROTOBUF, JSON;

        static Encoding of(String contentType) {
            return switch (mediaType(contentType, "")) {
                case "application/x-protobuf" -> PROTOBUF;
                case "application/json" -> JSON;
                default -> null;
            };
        }
    }

    /** A Content-Type's media type alone, lower-case, without its parameters; {@code none} when there is none. */
    static String mediaType(String contentType, String none) {
        return contentType == null ? none : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** A refusal (a problem with its status and headers) as a Status. */
    static ResponseEntity<?> of(ErrorResponseException refused, Encoding encoding) {
        ProblemDetail problem = refused.getBody();
        StringBuilder message = new StringBuilder(problem.getDetail() == null ? problem.getTitle() : problem.getDetail());
        // the fields a 400 names, as the problem lists them
        if (problem.getProperties() != null && problem.getProperties().get("errors") instanceof List<?> errors) {
            for (Object error : errors) {
                message.append(error instanceof FieldProblem p ? " '" + p.field() + "' " + p.message() + "." : " " + error);
            }
        }
        return of(refused.getStatusCode(), message.toString(), encoding, refused.getHeaders());
    }

    static ResponseEntity<?> of(HttpStatusCode status, String message, Encoding encoding) {
        return of(status, message, encoding, null);
    }

    private static ResponseEntity<?> of(HttpStatusCode status, String message, Encoding encoding, HttpHeaders headers) {
        Code code = code(status);
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status);
        if (headers != null) {
            answer.headers(headers);
        }
        if (encoding == Encoding.PROTOBUF) {
            return answer.contentType(PROTOBUF).body(Status.newBuilder().setCode(code.getNumber()).setMessage(message).build().toByteArray());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("code", code.getNumber());
        json.put("message", message);
        return answer.contentType(MediaType.APPLICATION_JSON).body(json);
    }

    /** The gRPC code an OTLP client reads from an HTTP status (as the OpenTelemetry Collector maps them). */
    static Code code(HttpStatusCode status) {
        return switch (status.value()) {
            case 400, 413, 415 -> Code.INVALID_ARGUMENT;
            case 401 -> Code.UNAUTHENTICATED;
            case 403 -> Code.PERMISSION_DENIED;
            case 404 -> Code.NOT_FOUND;
            case 429 -> Code.RESOURCE_EXHAUSTED;
            case 503 -> Code.UNAVAILABLE;
            default -> status.is5xxServerError() ? Code.INTERNAL : Code.UNKNOWN;
        };
    }
}
