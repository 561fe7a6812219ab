package dev.goldenfive.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who a schedule names at an instant: an override covering it, else the last layer that applies, taking
 * turns by its hand-offs. Hand-offs are local times in the schedule's zone: on a spring-forward day a hand-off
 * in the skipped hour happens when the clocks have jumped (02:30 becomes 03:30), on a fall-back day at the
 * first of the two; a daily shift across such a day is 23 or 25 hours long.
 */
final class OnCall {

    private OnCall() {
    }

    /** Who is on call, from when until when, and why: a layer's name, or {@code override}. */
    record Shift(String user, String by, Instant from, Instant to) {
    }

    static Optional<Shift> at(Schedule schedule, Instant at) {
        for (Schedule.Override override : schedule.overrides().reversed()) {
            if (!at.isBefore(override.from()) && at.isBefore(override.to())) {
                return Optional.of(new Shift(override.user(), "override", override.from(), override.to()));
            }
        }
        ZoneId zone = schedule.zone();
        for (Schedule.Layer layer : schedule.layers().reversed()) {
            if (!applies(layer, at, zone)) {
                continue;
            }
            Optional<Shift> shift = shift(layer, at, zone);
            if (shift.isPresent()) {
                return shift;
            }
        }
        return Optional.empty();
    }

    /**
     * Who the schedule names over {@code [from, to)}, as consecutive spans (nobody's spans left out), exact at
     * every hand-off, override and restriction edge.
     */
    static List<Shift> spans(Schedule schedule, Instant from, Instant to) {
        ZoneId zone = schedule.zone();
        TreeSet<Instant> edges = new TreeSet<>(List.of(from));
        for (Schedule.Layer layer : schedule.layers()) {
            long k = handoff(layer, 0, zone).isAfter(from) ? 0 : index(layer, from, zone);
            for (Instant h = handoff(layer, k, zone); h.isBefore(to); h = handoff(layer, ++k, zone)) {
                edges.add(h);
            }
            for (LocalDate day = LocalDate.ofInstant(from, zone).minusDays(1); !day.atStartOfDay(zone).toInstant().isAfter(to); day = day.plusDays(1)) {
                for (Schedule.Restriction r : layer.restrictions()) {
                    edges.add(day.atTime(r.from()).atZone(zone).toInstant());
                    edges.add(day.atTime(r.to()).atZone(zone).toInstant());
                }
            }
        }
        schedule.overrides().forEach(o -> edges.addAll(List.of(o.from(), o.to())));
        List<Instant> cuts = edges.subSet(from, true, to, false).stream().toList();
        List<Shift> spans = new ArrayList<>();
        for (int i = 0; i < cuts.size(); i++) {
            Instant start = cuts.get(i);
            Instant end = i + 1 < cuts.size() ? cuts.get(i + 1) : to;
            Optional<Shift> who = at(schedule, start);
            if (who.isEmpty()) {
                continue;
            }
            Shift last = spans.isEmpty() ? null : spans.getLast();
            if (last != null && last.to().equals(start) && last.user().equals(who.get().user()) && last.by().equals(who.get().by())) {
                spans.set(spans.size() - 1, new Shift(last.user(), last.by(), last.from(), end));
            }
            else {
                spans.add(new Shift(who.get().user(), who.get().by(), start, end));
            }
        }
        return spans;
    }

    /** The index of the layer's shift that holds {@code at}, at or after its first hand-off. */
    private static long index(Schedule.Layer layer, Instant at, ZoneId zone) {
        long k = Duration.between(handoff(layer, 0, zone), at).toSeconds() / layer.nominalShift().toSeconds();
        // daylight-saving days make shifts an hour shorter or longer than nominal: step to the right one
        while (k > 0 && handoff(layer, k, zone).isAfter(at)) {
            k--;
        }
        while (!handoff(layer, k + 1, zone).isAfter(at)) {
            k++;
        }
        return k;
    }

    /** The layer's shift that holds {@code at}: none before its first hand-off. */
    static Optional<Shift> shift(Schedule.Layer layer, Instant at, ZoneId zone) {
        if (at.isBefore(handoff(layer, 0, zone))) {
            return Optional.empty();
        }
        long k = index(layer, at, zone);
        String user = layer.members().get((int) (k % layer.members().size()));
        return Optional.of(new Shift(user, layer.name(), handoff(layer, k, zone), handoff(layer, k + 1, zone)));
    }

    /** The instant of the layer's {@code k}-th hand-off: its local date-time under the zone's rules. */
    static Instant handoff(Schedule.Layer layer, long k, ZoneId zone) {
        return layer.handoff(k).atZone(zone).toInstant();
    }

    private static boolean applies(Schedule.Layer layer, Instant at, ZoneId zone) {
        if (layer.restrictions().isEmpty()) {
            return true;
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        LocalTime time = local.toLocalTime();
        for (Schedule.Restriction r : layer.restrictions()) {
            boolean within = r.from().isBefore(r.to()) ? !time.isBefore(r.from()) && time.isBefore(r.to())
                    : !time.isBefore(r.from()) || time.isBefore(r.to());
            // past midnight, the window belongs to the day it began on
            var day = r.from().isBefore(r.to()) || !time.isBefore(r.from()) ? local.getDayOfWeek() : local.getDayOfWeek().minus(1);
            if (within && (r.days().isEmpty() || r.days().contains(day))) {
                return true;
            }
        }
        return false;
    }
}
