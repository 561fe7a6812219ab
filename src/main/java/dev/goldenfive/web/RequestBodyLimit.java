package dev.goldenfive.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request body but the ingest paths' (which have limits of their own, see {@link RequestBodies}) is at
 * most {@code maxBytes}: a larger declared length is answered 413 before anything is read, and a body sent
 * without one stops being read one byte past the limit ({@link BodyTooLarge}, answered 413 too). So no JSON
 * document, form or YAML larger than the limit is ever parsed or held in memory.
 */
final class RequestBodyLimit extends OncePerRequestFilter {

    /** Ingest endpoints, whose own (configurable, often larger) limits apply after decompression. */
    static final Set<String> INGEST_PATHS = Set.of("/api/v1/probes", "/api/v1/probes/blackbox", "/api/v1/logs", "/v1/logs",
            "/loki/api/v1/push");

    private final long maxBytes;

    RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return INGEST_PATHS.contains(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, BodyTooLarge.message(maxBytes));
            return;
        }
        chain.doFilter(new Limited(request, maxBytes), response);
    }

    /** A body that grew past the limit while it was read. */
    public static final class BodyTooLarge extends IOException {

        BodyTooLarge(long maxBytes) {
            super(message(maxBytes));
        }

        static String message(long maxBytes) {
            return "A request body may be at most " + RequestBodies.size(maxBytes) + ".";
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long maxBytes;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), maxBytes);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            }
            catch (IllegalArgumentException unknown) {
                throw new UnsupportedEncodingException("The charset '" + encoding + "' is not known.");
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        Counting(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, (int) Math.min(length, maxBytes - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
