package dev.goldenfive.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Input that PostgreSQL cannot store or that a caller did not mean is refused at the door with a 400,
 * never half-way through as a 500: NUL characters in form fields and JSON strings, JSON values of
 * another type where a string is expected (a number is not silently turned into a name), and points in
 * time outside the years 1 to 9999.
 */
@Configuration(proxyBeanMethods = false)
class StrictInput implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addFormatter(Instants.formatter());
    }

    @Bean
    JsonMapperBuilderCustomizer strictJsonStrings() {
        return builder -> builder.addModule(StrictStrings.module()).addModule(Instants.module());
    }

    /** Before anything reads a body: sessions, security, and the controllers. */
    @Bean
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(WebSettings settings) {
        var registration = new FilterRegistrationBean<>(new RequestBodyLimit(settings.maxRequestBody().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
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
                                    "The field '" + entry.getKey().replace('\0', ' ') + "' " + StrictStrings.NO_NUL + ".");
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
}
