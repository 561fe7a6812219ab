package dev.goldenfive.web;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dump of every thread, virtual ones included, written to the log when the replica is found stuck: the
 * evidence is kept even when the process is restarted right after. Once per episode: a {@link Once} logs at the
 * first ask and again only after it was {@linkplain Once#reset() reset} (the replica recovered).
 */
public final class ThreadDumps {

    private static final Logger log = LoggerFactory.getLogger(ThreadDumps.class);
    private ThreadDumps() {
    }

    /** One stuck state's dump: logged at the first {@link #log}, again only after {@link #reset}. */
    public static final class Once {

        private final AtomicBoolean dumped = new AtomicBoolean();

        public void log(String why) {
            if (dumped.compareAndSet(false, true)) {
                dump(why);
            }
        }

        public void reset() {
            dumped.set(false);
        }
    }

    private static void dump(String why) {
        try {
            Path file = Files.createTempFile("goldenfive-threads-", ".txt");
            Files.delete(file); // the dump refuses to overwrite
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
                log.error("{}; the threads of this replica:\n{}", why, Files.readString(file));
            }
            finally {
                Files.deleteIfExists(file);
            }
        }
        catch (IOException | RuntimeException ex) {
            log.error("{}; the threads could not be dumped", why, ex);
        }
    }
}
