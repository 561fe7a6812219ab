package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.thymeleaf.context.Context;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.linkbuilder.StandardLinkBuilder;
import org.thymeleaf.spring6.SpringTemplateEngine;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.security.Role;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * What the incident page and the dashboard show, for the whole page and for a live update alike (the same
 * Thymeleaf fragments), and the live updates rendered outside any request, for the page's own event stream:
 * a change is rendered for each open page and pushed to it, so a live update costs no request.
 */
@Component
class LivePages {

    private static final Set<String> ACTING_ROLES = Set.of(Role.RESPONDER.authority(), Role.ADMIN.authority());
    /** Timeline entries one live update brings at most. */
    static final int LIVE_ENTRIES = 200;

    private final Incidents incidents;
    private final List<IncidentPanel> panels;
    private final List<DashboardSection> sections;
    private final TimelineWords words;
    private final MessageSource messages;
    private final Clock clock;
    private final SpringTemplateEngine pushed;

    LivePages(Incidents incidents, List<IncidentPanel> panels, List<DashboardSection> sections, TimelineWords words, MessageSource messages, Clock clock,
            SpringTemplateEngine pages, @Value("${server.servlet.context-path:}") String contextPath) {
        this.incidents = incidents;
        this.panels = panels.stream().sorted(Comparator.comparingInt(IncidentPanel::order)).toList();
        this.sections = sections.stream().sorted(Comparator.comparingInt(DashboardSection::order)).toList();
        this.words = words;
        this.messages = messages;
        this.clock = clock;
        // the pages' templates, dialects and messages; links made with the configured context path, since there
        // is no request to ask (forms get their CSRF token from the page they land in)
        this.pushed = new SpringTemplateEngine();
        pushed.setTemplateResolvers(pages.getTemplateResolvers());
        pushed.setDialects(new LinkedHashSet<>(pages.getDialects()));
        pushed.setMessageSource(messages);
        pushed.setLinkBuilder(new StandardLinkBuilder() {
            @Override
            protected String computeContextPath(IExpressionContext context, String base, Map<String, Object> parameters) {
                return contextPath;
            }
        });
    }

    /** Who a page is shown to: their language, whether they act, and the layout's {@code viewer}. */
    record Reader(Locale locale, boolean canAct, Object viewer) {
    }

    static boolean canAct(Authentication viewer) {
        return viewer.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(ACTING_ROLES::contains);
    }

    /** The whole incident page. */
    void page(Map<String, Object> model, IncidentKey key, boolean canAct) {
        Incidents.Page page = incidents.page(key, Timeline.MAX_PAGE);
        fill(model, page, shown(page), panels, canAct);
        List<TimelineEntry> timeline = page.newestEntries();
        model.put("lastEntry", timeline.isEmpty() ? 0 : timeline.getFirst().id());
    }

    /**
     * A live update of the incident page: the panels that the change since entry {@code after} touched (the
     * incident's own panels when its state changed, all its steps only when its status did — a stage change moves
     * no step; a marked step alone; a module's panel when it says so; only new timeline entries for a note), the new
     * entries, and a notice when the stage changed. At most {@link #LIVE_ENTRIES} entries at a time; {@code more}
     * says there are others. Returns the incident as it was read.
     */
    IncidentRef update(Map<String, Object> model, IncidentKey key, long after, Set<IncidentPanel.Touch> touches, boolean canAct) {
        long known = Math.max(0, after);
        // the marks of the steps are read only when steps are shown again
        Incidents.Page page = incidents.pageSince(key, known, LIVE_ENTRIES,
                facts -> new IncidentPanel.Change(facts, touches).stepsShown());
        List<TimelineEntry> entries = page.newestEntries();
        Runbook shown = shown(page);
        IncidentPanel.Change change = new IncidentPanel.Change(entries.stream().map(TimelineEntry::fact).toList(), touches);
        Set<String> render = new HashSet<>();
        if (change.stateChanged()) {
            render.addAll(Set.of("head", "stages", "actions"));
        }
        // a stage change moves no step: the page takes each stage box's state from the stage bar
        if (change.statusChanged()) {
            render.add("runbook");
        }
        model.put("markedSteps", change.statusChanged() ? List.of() : change.markedSteps().stream()
                .flatMap(marked -> shown.step(marked.stage(), marked.step())
                        .map(step -> new MarkedStep(marked.stage(), step)).stream())
                .toList());
        fill(model, page, shown, panels.stream().filter(panel -> panel.changedBy(change)).toList(), canAct);
        model.put("render", render);
        model.put("lastEntry", entries.isEmpty() ? known : entries.getFirst().id());
        model.put("more", entries.size() >= LIVE_ENTRIES);
        model.put("liveNotice", entries.stream()
                .filter(entry -> entry.fact() instanceof Fact.StageEntered)
                .findFirst()
                .map(entry -> words.describe(entry, shown))
                .orElse(null));
        return page.ref();
    }

    /**
     * A live update of what changed without an entry (new evidence): the panels it touched, and nothing read
     * for the rest of the page; {@code shown}: the newest entry the page shows; {@code known}: the incident as
     * the page's last update with entries read it (what a panel is told of it changes only with an entry), or null.
     */
    void touched(Map<String, Object> model, IncidentKey key, long shown, Set<IncidentPanel.Touch> touches, IncidentRef known) {
        IncidentRef ref = known != null ? known
                : incidents.ref(key).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key.toString()));
        IncidentPanel.Change change = new IncidentPanel.Change(List.of(), touches);
        model.put("panels", panels.stream().filter(panel -> panel.changedBy(change))
                .map(panel -> new PanelView(panel.name(), panel.template(), panel.model(ref), panel.leads()))
                .toList());
        model.put("render", Set.of());
        model.put("markedSteps", List.of());
        model.put("timeline", List.of());
        model.put("serverTime", clock.instant());
        model.put("lastEntry", shown);
    }

    /** The dashboard's two lists. */
    void dashboard(Map<String, Object> model) {
        Instant now = clock.instant();
        List<IncidentSummary> open = incidents.items(query(Set.of(IncidentStatus.OPEN), 200));
        model.put("open", open);
        model.put("left", open.stream().filter(i -> i.nextDeadlineAt() != null)
                .collect(Collectors.toMap(IncidentSummary::key, i -> left(now, i.nextDeadlineAt()))));
        model.put("resolved", incidents.items(query(Set.of(IncidentStatus.RESOLVED, IncidentStatus.CLOSED), 10)));
        model.put("sections", sections.stream().map(s -> new Section(s.name(), s.template(), s.model())).toList());
        model.put("serverTime", now);
        model.put("lastEntry", incidents.newestEntryId());
    }

    /** A module's section of the dashboard, as the template renders it. */
    record Section(String name, String template, Map<String, Object> data) {
    }

    /** The incident page's live updates for {@code reader}, rendered for its event stream. */
    IncidentChanges.Renderer incidentUpdates(IncidentKey key, Reader reader) {
        AtomicReference<IncidentRef> known = new AtomicReference<>();
        return (after, touches, entries) -> {
            return render("incident/live", reader, model -> {
                if (entries) {
                    known.set(update(model, key, after, touches, reader.canAct()));
                }
                else {
                    touched(model, key, after, touches, known.get());
                }
            });
        };
    }

    /** The dashboard's live updates for {@code reader}, rendered for its event stream. */
    IncidentChanges.Renderer dashboardUpdates(Reader reader) {
        return (after, touches, entries) -> {
            return render("incident/dashboard-live", reader, this::dashboard);
        };
    }

    /** Renders {@code template} with the model {@code fill} makes, in the reader's language. */
    private IncidentChanges.Update render(String template, Reader reader, Consumer<Map<String, Object>> fill) {
        Locale before = LocaleContextHolder.getLocale();
        LocaleContextHolder.setLocale(reader.locale());
        try {
            Map<String, Object> model = new HashMap<>();
            fill.accept(model);
            model.put("viewer", reader.viewer());
            String html = pushed.process(template, new Context(reader.locale(), model));
            return new IncidentChanges.Update(html, (long) model.get("lastEntry"), Boolean.TRUE.equals(model.get("more")));
        }
        finally {
            LocaleContextHolder.setLocale(before);
        }
    }

    /** What the page's panels show; the module panels only of {@code modules}. */
    /** The page's runbook in the reader's language where it has it (a live update is rendered with the reader's locale set). */
    private static Runbook shown(Incidents.Page page) {
        return page.runbook().in(LocaleContextHolder.getLocale());
    }

    /** {@code runbook}: the page's runbook in the reader's language. */
    private void fill(Map<String, Object> model, Incidents.Page page, Runbook runbook, List<IncidentPanel> modules, boolean canAct) {
        IncidentView incident = page.incident();
        model.put("incident", incident);
        model.put("serverTime", incident.serverTime());
        model.put("runbook", runbook);
        model.put("stageTitles", runbook.stages().stream().collect(Collectors.toMap(Runbook.Stage::key, Runbook.Stage::title)));
        model.put("left", incident.nextDeadlineAt() == null ? null : left(incident.serverTime(), incident.nextDeadlineAt()));
        // the whole time axis, from t0 to the end of the last window: its length and how much has passed
        long axis = Duration.between(incident.startedAt(), incident.stages().getLast().endsAt()).toMillis();
        Instant upTo = incident.resolvedAt() != null ? incident.resolvedAt() : incident.serverTime();
        model.put("axis", new long[] {axis, Math.clamp(Duration.between(incident.startedAt(), upTo).toMillis(), 0, axis)});
        model.put("stageLeft", incident.stages().stream().collect(Collectors.toMap(
                IncidentView.StageWindow::key, w -> left(incident.serverTime(), w.endsAt()))));
        model.put("marks", incident.steps().stream()
                .collect(Collectors.toMap(m -> m.stage() + "/" + m.step(), m -> m)));
        model.put("timeline", page.newestEntries().stream()
                .map(entry -> new TimelineLine(entry, TimelineWords.CLOCK_TIME.format(entry.at()), words.describe(entry, runbook))).toList());
        model.put("canAct", canAct);
        model.put("open", incident.status() == IncidentStatus.OPEN);
        model.put("allowed", incident.allowedActions().stream().map(IncidentAction::path).toList());
        model.put("stageBoxes", stageBoxes(incident, runbook));
        // each window's progress bar: its length and how much of it has passed, in milliseconds
        model.put("progress", incident.stages().stream().collect(Collectors.toMap(
                IncidentView.StageWindow::key, w -> {
                    long length = Duration.between(w.startsAt(), w.endsAt()).toMillis();
                    long passed = Duration.between(w.startsAt(), incident.serverTime()).toMillis();
                    long shown = switch (w.state()) {
                        case "passed" -> length;
                        case "current" -> Math.clamp(passed, 0, length);
                        default -> 0;
                    };
                    return new long[] {length, shown};
                })));
        model.put("panels", modules.stream()
                .map(panel -> new PanelView(panel.name(), panel.template(), panel.model(page.ref()), panel.leads()))
                .toList());
    }

    /** Every stage's box, and the follow-up's when it has steps or has begun. */
    private List<StageBox> stageBoxes(IncidentView incident, Runbook runbook) {
        Map<String, String> states = incident.stages().stream()
                .collect(Collectors.toMap(IncidentView.StageWindow::key, IncidentView.StageWindow::state));
        List<StageBox> boxes = new ArrayList<>(runbook.stages().stream()
                .map(stage -> new StageBox(stage.key(), stage.title(), stage.goal(), stage.steps(), states.get(stage.key())))
                .toList());
        boolean followingUp = Runbook.FOLLOW_UP.equals(incident.stage().key());
        if (followingUp || !runbook.followUp().isEmpty()) {
            boxes.add(new StageBox(Runbook.FOLLOW_UP, messages.getMessage("stage.followUp", null, LocaleContextHolder.getLocale()),
                    null, runbook.followUp(), followingUp ? "current" : "upcoming"));
        }
        return boxes;
    }

    /** Time left as the page shows it before scripts take over: {@code 4:05}, never negative. */
    static String left(Instant now, Instant deadline) {
        long seconds = IncidentView.secondsUntil(now, deadline);
        return seconds / 60 + ":" + String.format("%02d", seconds % 60);
    }

    private static Incidents.Query query(Set<IncidentStatus> statuses, int size) {
        return new Incidents.Query(statuses, null, null, null, null, null, null, 0, size);
    }

    /** A module's panel: its template and what it shows. */
    record PanelView(String name, String template, Map<String, Object> data, boolean leads) {
    }

    /** One stage's steps on the page, in the state its window is in (passed, current, upcoming). */
    record StageBox(String key, String title, String goal, List<Runbook.Step> steps, String state) {
    }

    /** A step a live update shows again because it was marked. */
    record MarkedStep(String stageKey, Runbook.Step step) {
    }

    /** A timeline entry in the reader's language (a person's own words stay as they were written). */
    record TimelineLine(TimelineEntry entry, String time, String text) {
    }
}
