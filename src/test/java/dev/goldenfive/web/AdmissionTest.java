package dev.goldenfive.web;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionTest {

    @Test
    void aRequestThatFindsEveryPlaceTakenIsAnswered429WithRetryAfter() throws Exception {
        Admission admission = new Admission("Probe results", 1, Duration.ofMillis(20));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> admission.admit(() -> {
            holding.countDown();
            try {
                release.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holding.await();

        assertThatThrownBy(() -> admission.admit(() -> "stored"))
                .isInstanceOfSatisfying(ErrorResponseException.class, busy -> {
                    assertThat(busy.getStatusCode().value()).isEqualTo(429);
                    assertThat(busy.getHeaders().getFirst("Retry-After")).isEqualTo("1");
                    assertThat(busy.getBody().getDetail()).contains("Probe results");
                });
        release.countDown();
        holder.join();
        assertThat(admission.admit(() -> "stored")).as("a place is free again").isEqualTo("stored");
    }
}
