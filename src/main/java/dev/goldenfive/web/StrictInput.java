package dev.goldenfive.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Input that PostgreSQL cannot store or that a caller did not mean is refused at the door with a 400,
 * never half-way through as a 500: NUL characters in form fields and JSON strings, and JSON values of
 * another type where a string is expected (a number is not silently turned into a name).
 */
@Configuration(proxyBeanMethods = false)
class StrictInput {

    static final String NO_NUL = "must not contain NUL characters";

    @Bean
    JsonMapperBuilderCustomizer strictJsonStrings() {
        return builder -> builder.addModule(new SimpleModule("strict-strings").addDeserializer(String.class,
                new StrictStrings()));
    }

    /**
     * Right after the character-encoding filter (reading parameters earlier would decode them as ISO-8859-1)
     * and before sessions and security look at them.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> nulFreeParameters() {
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                for (var entry : request.getParameterMap().entrySet()) {
                    for (String value : entry.getValue()) {
                        if (value != null && value.indexOf('\0') >= 0) {
                            response.sendError(HttpServletResponse.SC_BAD_REQUEST,
                                    "The field '" + entry.getKey().replace('\0', ' ') + "' " + NO_NUL + ".");
                            return;
                        }
                    }
                }
                chain.doFilter(request, response);
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** JSON strings only, and without NUL. */
    static final class StrictStrings extends StdDeserializer<String> {

        StrictStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (String) context.handleUnexpectedToken(String.class, parser);
            }
            String text = parser.getString();
            if (text.indexOf('\0') >= 0) {
                throw MismatchedInputException.from(parser, String.class, NO_NUL);
            }
            return text;
        }
    }
}
