# syntax=docker/dockerfile:1

# ---- build: package with the project's Maven wrapper, then split the Spring Boot jar into its layers
FROM eclipse-temurin:21-jdk AS build
WORKDIR /workspace
COPY . .
# The cache mount keeps ~/.m2 (the wrapper's Maven and the dependencies) between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -Pcontainer -DskipTests package
RUN java -Djarmode=tools -jar target/goldenfive-*.jar extract --layers --launcher --destination /extracted

# ---- runtime: a JRE, the extracted layers, a non-root user
# Java 25 rather than 21: since Java 24 (JEP 491) a virtual thread no longer pins its carrier while it waits
# in or for a synchronized block, which on a two-core pod could leave no carrier for the requests holding
# the database connections.
FROM eclipse-temurin:25-jre
LABEL org.opencontainers.image.title="goldenfive" \
      org.opencontainers.image.description="Guides on-call engineers through the first five minutes of an incident"
# A fixed numeric uid/gid: the Helm chart runs the pod as 10001 too, and Kubernetes' runAsNonRoot can only
# verify a numeric USER. --no-log-init avoids a huge sparse /var/log/faillog for a high uid.
RUN groupadd --gid 10001 goldenfive \
 && useradd --uid 10001 --gid 10001 --no-log-init --create-home --home-dir /home/goldenfive \
      --shell /usr/sbin/nologin goldenfive
WORKDIR /app
# Least likely to change first, so that a code change rebuilds and pushes only the last layer.
# The files stay owned by root: the application only reads them.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# Heap follows the container's memory limit; an OutOfMemoryError ends the process so it is restarted
# instead of limping on. Actuator (health, prometheus) listens on its own port, as the Helm chart expects.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    MANAGEMENT_SERVER_PORT=8081
USER 10001:10001
# 8080: the application (UI and API); 8081: management (health, metrics), keep it internal.
EXPOSE 8080 8081
# Exec form: java is PID 1 and gets SIGTERM itself, so the graceful shutdown runs.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
