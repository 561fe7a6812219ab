package dev.goldenfive.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The agent script running in watch mode, as a test starts it: what it says is kept to wait on. */
final class StandingAgent implements AutoCloseable {

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition said = lock.newCondition();

    private StandingAgent(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::read);
    }

    /** Starts {@code command} (which ends in the script and {@code watch}) with {@code environment}. */
    static StandingAgent start(List<String> command, Map<String, String> environment) throws IOException {
        return start(command, environment, null);
    }

    /** As {@link #start(List, Map)}, in the working directory {@code directory} (a Go module, say). */
    static StandingAgent start(List<String> command, Map<String, String> environment, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        return new StandingAgent(builder.start());
    }

    /** Waits until the agent has said {@code text} (for a failing test, not a measure of speed); false if it never did. */
    boolean awaitSaying(String text, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            while (!output.toString().contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !output.toString().contains(text)) {
                    return output.toString().contains(text);
                }
                said.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    String output() {
        lock.lock();
        try {
            return output.toString();
        }
        finally {
            lock.unlock();
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lock.lock();
                try {
                    output.append(line).append('\n');
                    said.signalAll();
                }
                finally {
                    lock.unlock();
                }
            }
        }
        catch (IOException ended) {
            // the agent was stopped
        }
    }

    /** Ctrl-C, as a terminal sends it; true once the agent has ended (within {@code patience}). */
    boolean interrupt(Duration patience) throws Exception {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The agent and all it started killed at once (SIGKILL), with no chance to tidy up: a crash. */
    void crash() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the agent and everything it started (its stream, probes under way). */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
