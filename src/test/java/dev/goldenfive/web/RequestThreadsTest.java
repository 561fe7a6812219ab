package dev.goldenfive.web;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RequestThreadsTest {

    @Test
    void aSchedulerThatRunsNothingAnyMoreMakesLivenessDownAndLeavesTheThreadsInTheLogOnce(CapturedOutput output) throws Exception {
        // as every carrier thread pinned: tasks are taken but never run
        Executor stuck = task -> { };
        var threads = new RequestThreads(stuck, Clock.systemUTC(), Duration.ofMillis(300));
        threads.start();
        try {
            Thread.sleep(600);

            assertThat(threads.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(threads.health().getStatus()).isEqualTo(Status.DOWN);
        }
        finally {
            threads.stop();
        }
        String logged = output.getOut();
        assertThat(logged).contains("No virtual thread has run for 0 s: requests cannot be served; the threads of this replica:")
                .contains("RequestThreadsTest");
        assertThat(logged.split("the threads of this replica", -1)).as("dumped once").hasSize(2);
    }

    @Test
    void aSchedulerThatRunsItsTasksKeepsLivenessUp() throws Exception {
        var threads = new RequestThreads(Executors.newVirtualThreadPerTaskExecutor(), Clock.systemUTC(), Duration.ofSeconds(5));
        threads.start();
        try {
            Thread.sleep(300);

            assertThat(threads.health().getStatus()).isEqualTo(Status.UP);
        }
        finally {
            threads.stop();
        }
    }
}
