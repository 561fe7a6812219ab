package dev.goldenfive.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Request bodies read whole, but never more than a limit: a longer body is refused with 413 after reading
 * at most one byte past the limit. {@code Content-Encoding: gzip} is accepted, and the limit applies to the
 * body as it is after decompression, so a small compressed body cannot grow without bound.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The body, decompressed; {@code what} names it in the 413 answer ("A probe request"). */
    public static byte[] read(HttpServletRequest request, int maxBytes, String what) throws IOException {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new ErrorResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemDetail.forStatusAndDetail(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding '" + encoding + "' is not supported; send gzip or nothing."), null);
        }
        if (!gzip && request.getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes, what);
        }
        try (InputStream raw = request.getInputStream();
                InputStream in = gzip ? new GZIPInputStream(raw, 8192) : raw) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes, what);
            }
            return bytes;
        }
        catch (ZipException | java.io.EOFException notGzip) {
            throw new InvalidFields(List.of(new FieldProblem("(body)", "is not valid gzip: " + notGzip.getMessage())));
        }
    }

    /**
     * The length of the UTF-8 byte-order mark {@code body} starts with: 3, or 0 without one. Editors and Windows tools
     * put one before JSON; it is no part of the document.
     */
    public static int bom(byte[] body) {
        return body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
    }

    /** The first byte of a body that is not white space ('[' for a JSON array), or -1 for an empty one. */
    public static int firstToken(byte[] body) {
        // a UTF-8 byte-order mark before the document is no token of it
        for (int i = bom(body); i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return -1;
    }

    /** 413 for a body that holds more items than a request may ("A probe request may hold at most 1000 results."). */
    public static ErrorResponseException tooMany(int max, String items, String what) {
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, ProblemDetail.forStatusAndDetail(
                HttpStatus.CONTENT_TOO_LARGE, what + " may hold at most " + max + " " + items + "; send them in several requests."), null);
    }

    public static ErrorResponseException tooLarge(int maxBytes, String what) {
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, ProblemDetail.forStatusAndDetail(
                HttpStatus.CONTENT_TOO_LARGE, what + " may be at most " + size(maxBytes) + " (after decompression)."), null);
    }

    /** A limit as people say it: "1 MiB", "256 KiB". */
    static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }
}
