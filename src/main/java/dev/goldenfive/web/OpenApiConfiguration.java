package dev.goldenfive.web;

import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at /v3/api-docs: every API call takes a bearer token. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI goldenfiveOpenApi(ObjectProvider<BuildProperties> build, WebSettings site) {
        BuildProperties properties = build.getIfAvailable();
        // the configured address, not the Host header of whoever asked for the document
        return new OpenAPI()
                .servers(List.of(new Server().url(site.base())))
                .info(new Info().title("goldenfive API")
                        .version(properties != null ? properties.getVersion() : "dev")
                        .description("The goldenfive API. Authenticate with `Authorization: Bearer <token>` "
                                + "(a personal API token, or an agent token for the ingest endpoints). "
                                + "Errors are RFC 9457 `application/problem+json`."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
