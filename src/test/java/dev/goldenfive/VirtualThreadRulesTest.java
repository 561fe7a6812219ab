package dev.goldenfive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every request runs on a virtual thread, and goldenfive supports Java 21, where a virtual thread that blocks
 * inside {@code synchronized} (or waits to enter it) keeps its carrier thread: with as many carriers as cores,
 * two such waits stop every other request, including those holding database connections. So the code uses
 * {@link java.util.concurrent.locks.ReentrantLock} where it needs a lock, and no map's
 * {@code computeIfAbsent} runs a query (the map holds a monitor while it computes).
 */
class VirtualThreadRulesTest {

    /** Text blocks, strings, comments: read left to right, so a {@code //} inside a string is no comment. */
    private static final Pattern NOT_CODE = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|//[^\\n]*|/\\*[\\s\\S]*?\\*/");
    private static final Pattern SYNCHRONIZED = Pattern.compile("\\bsynchronized\\b");
    private static final Pattern CONCURRENT_MAP = Pattern.compile("(\\w+)\\s*=\\s*new ConcurrentHashMap");
    /** A statement that computes into such a map (group 1 names it) and, anywhere in it, asks the database. */
    private static final String QUERY_IN_COMPUTE = "\\b%s\\.compute(IfAbsent|IfPresent)?\\([^;]*\\b(jdbc|sql|\\w*[Rr]epository|\\w*[Rr]epositories)\\b";

    @Test
    void noMainCodeBlocksAVirtualThreadInsideAMonitor() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offending = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> {
                        String code = NOT_CODE.matcher(read(f)).replaceAll("");
                        return SYNCHRONIZED.matcher(code).find() || CONCURRENT_MAP.matcher(code).results()
                                .anyMatch(map -> Pattern.compile(QUERY_IN_COMPUTE.formatted(map.group(1))).matcher(code).find());
                    })
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offending).as("files with synchronized, or a query inside computeIfAbsent").isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
