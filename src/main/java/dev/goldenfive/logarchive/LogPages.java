package dev.goldenfive.logarchive;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.goldenfive.web.Instants;
import dev.goldenfive.web.InvalidField;

/** The log search page: the query, a histogram of matches over the range, and the lines with their matches marked. */
@Controller
class LogPages {

    static final List<String> RANGES = List.of("15m", "1h", "6h", "24h", "7d");
    static final int PAGE = 200;
    static final int BARS = 60;

    private final LogSearch search;
    private final MessageSource messages;
    private final Clock clock;
    private final ArchiveSizes sizes;
    private final LogSettings settings;

    LogPages(LogSearch search, MessageSource messages, Clock clock, ArchiveSizes sizes, LogSettings settings) {
        this.search = search;
        this.sizes = sizes;
        this.settings = settings;
        this.messages = messages;
        this.clock = clock;
    }

    /** A line as the page shows it: the line and its message in pieces, matches marked. */
    record Shown(LogSearch.Line line, List<LogText.Piece> pieces) {

        /** Nothing marked. */
        static Shown plain(LogSearch.Line line) {
            return new Shown(line, LogText.pieces(line.message(), null));
        }
    }

    @GetMapping("/logs")
    String search(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = LogRanges.DEFAULT) String range,
            @RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "") String to,
            @RequestParam(required = false) String cursor, Model model) {
        model.addAttribute("q", q);
        model.addAttribute("range", range);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("ranges", RANGES);
        // administrators see the archive outgrow its warning size where they look at logs
        if (sizes.overWarning()) {
            model.addAttribute("archiveOver", List.of(RetentionPages.human(sizes.totalBytes()), RetentionPages.human(settings.warnAt().toBytes())));
        }
        try {
            Instant until = to.isBlank() ? null : utc(to, "to");
            LogRanges.Window window = LogRanges.window(from.isBlank() ? null : utc(from, "from"), until, range, clock.instant());
            Instant start = window.start();
            Instant end = window.end();
            LogSearch.Page page = search.search(q, start, end, cursor, PAGE);
            model.addAttribute("page", page);
            Pattern highlighter = LogText.highlighter(page.highlight());
            model.addAttribute("lines", page.lines().stream().map(l -> new Shown(l, LogText.pieces(l.message(), highlighter))).toList());
            model.addAttribute("start", start);
            model.addAttribute("end", end);
            // later pages keep the window of the first, however much time has passed since
            model.addAttribute("until", LocalDateTime.ofInstant(end, ZoneOffset.UTC).toString());
            model.addAttribute("since", LocalDateTime.ofInstant(start, ZoneOffset.UTC).toString());
            if (cursor == null) {
                model.addAttribute("histogram", search.histogram(q, start, end, BARS));
            }
        }
        catch (InvalidField | DataAccessException failed) {
            model.addAttribute("error", error(failed));
        }
        return "logarchive/search";
    }

    @GetMapping("/logs/context")
    String context(@RequestParam String line, @RequestParam(defaultValue = "20") int before,
            @RequestParam(defaultValue = "20") int after, Model model) {
        try {
            model.addAttribute("lines", search.context(line, before, after).stream().map(Shown::plain).toList());
            model.addAttribute("chosen", line);
        }
        catch (InvalidField | DataAccessException failed) {
            model.addAttribute("error", error(failed));
        }
        return "logarchive/context";
    }

    /** A wrong value by its field; a search the database gave up on (busy, or over its time) as such. */
    private String error(RuntimeException failed) {
        return failed instanceof InvalidField invalid ? invalid.say(messages, LocaleContextHolder.getLocale())
                : messages.getMessage("logs.failed", null, LocaleContextHolder.getLocale());
    }

    /** A time as the form's datetime-local sends it, read as UTC (the page says so). */
    private static Instant utc(String text, String field) {
        try {
            Instant instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            if (!Instants.inRange(instant)) {
                throw new InvalidField(field, "must be between the years 1 and 9999", "logs.problem.time.years");
            }
            return instant;
        }
        catch (DateTimeParseException ex) {
            throw new InvalidField(field, "must be a date and time such as 2026-11-25T10:00", "logs.problem.time.form");
        }
    }
}
