package dev.goldenfive.oncall;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who is on call, hand-off by hand-off, where the clocks change and where they do not. */
class OnCallTest {

    @Test
    void aDailyHandOffStaysAtNineInBerlinAndTheShiftOverSpringForwardIsTwentyThreeHours() {
        Schedule schedule = daily("Europe/Berlin", "2026-03-27T09:00", "alice", "bob");

        // 28 March 09:00 CET (08:00Z) to 29 March 09:00 CEST (07:00Z)
        OnCall.Shift shift = OnCall.at(schedule, Instant.parse("2026-03-29T06:59:59Z")).orElseThrow();

        assertThat(shift.user()).isEqualTo("bob");
        assertThat(shift.from()).isEqualTo(Instant.parse("2026-03-28T08:00:00Z"));
        assertThat(shift.to()).isEqualTo(Instant.parse("2026-03-29T07:00:00Z"));
        assertThat(Duration.between(shift.from(), shift.to())).isEqualTo(Duration.ofHours(23));
        assertThat(OnCall.at(schedule, Instant.parse("2026-03-29T07:00:00Z")).orElseThrow().user()).isEqualTo("alice");
    }

    @Test
    void aDailyShiftOverFallBackInBerlinIsTwentyFiveHours() {
        Schedule schedule = daily("Europe/Berlin", "2026-10-20T09:00", "alice", "bob", "carol");

        OnCall.Shift shift = OnCall.at(schedule, Instant.parse("2026-10-25T07:30:00Z")).orElseThrow();

        assertThat(shift.from()).isEqualTo(Instant.parse("2026-10-24T07:00:00Z"));
        assertThat(shift.to()).isEqualTo(Instant.parse("2026-10-25T08:00:00Z"));
        assertThat(Duration.between(shift.from(), shift.to())).isEqualTo(Duration.ofHours(25));
        assertThat(shift.user()).as("the hand-off of the 24th, the fifth since the 20th: bob's second turn").isEqualTo("bob");
    }

    @Test
    void inNewYorkAHandOffInTheSkippedHourHappensWhenTheClocksHaveJumpedAndInTheRepeatedHourAtItsFirst() {
        Schedule schedule = daily("America/New_York", "2026-03-01T02:30", "alice", "bob");

        // 8 March 02:30 does not exist: the hand-off is at 03:30 EDT (07:30Z)
        assertThat(OnCall.at(schedule, Instant.parse("2026-03-08T07:29:00Z")).orElseThrow().to())
                .isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
        // the next day it is 02:30 EDT again (06:30Z)
        assertThat(OnCall.at(schedule, Instant.parse("2026-03-08T08:00:00Z")).orElseThrow().to())
                .isEqualTo(Instant.parse("2026-03-09T06:30:00Z"));

        Schedule autumn = daily("America/New_York", "2026-10-30T01:30", "alice", "bob");
        // 1 November 01:30 happens twice: the hand-off is at the first, 01:30 EDT (05:30Z)
        assertThat(OnCall.at(autumn, Instant.parse("2026-11-01T05:00:00Z")).orElseThrow().to())
                .isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
    }

    @Test
    void twelveHourShiftsHandOffAtEightAndTwentyLocalTimeAcrossTheChange() {
        Schedule schedule = new Schedule("twelve", "Twelve", "ops", "Europe/Berlin", List.of(new Schedule.Layer("shifts",
                LocalDateTime.parse("2026-03-27T08:00"), "PT12H", List.of("day", "night"), List.of())), List.of());

        OnCall.Shift night = OnCall.at(schedule, Instant.parse("2026-03-29T03:00:00Z")).orElseThrow();

        assertThat(night.user()).isEqualTo("night");
        assertThat(night.from()).isEqualTo(Instant.parse("2026-03-28T19:00:00Z"));
        assertThat(night.to()).as("08:00 CEST").isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    }

    @Test
    void inShanghaiAWeekIsAlwaysOneHundredSixtyEightHours() {
        Schedule schedule = new Schedule("weekly", "Weekly", "ops", "Asia/Shanghai", List.of(new Schedule.Layer("week",
                LocalDateTime.parse("2026-01-05T10:00"), "P7D", List.of("li", "wang", "zhang"), List.of())), List.of());

        OnCall.Shift shift = OnCall.at(schedule, Instant.parse("2026-07-01T00:00:00Z")).orElseThrow();

        assertThat(Duration.between(shift.from(), shift.to())).isEqualTo(Duration.ofDays(7));
        assertThat(shift.from().atZone(schedule.zone()).toLocalTime()).isEqualTo(LocalTime.of(10, 0));
        assertThat(shift.user()).as("177 days in: the 26th week, the second member's").isEqualTo("wang");
    }

    @Test
    void aLaterLayerWinsWhereItAppliesAndAnOverrideWinsOverEveryLayer() {
        Schedule.Layer base = new Schedule.Layer("around the clock", LocalDateTime.parse("2026-06-01T09:00"), "P7D", List.of("alice"), List.of());
        Schedule.Layer office = new Schedule.Layer("office hours", LocalDateTime.parse("2026-06-01T09:00"), "P1D", List.of("bob"),
                List.of(new Schedule.Restriction(Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                        DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(17, 0))));
        Schedule schedule = new Schedule("layers", "Layers", "ops", "Europe/Berlin", List.of(base, office), List.of(
                new Schedule.Override("carol", Instant.parse("2026-06-03T10:00:00Z"), Instant.parse("2026-06-03T12:00:00Z"))));

        assertThat(OnCall.at(schedule, Instant.parse("2026-06-03T08:00:00Z")).orElseThrow().user()).as("Wednesday 10:00").isEqualTo("bob");
        assertThat(OnCall.at(schedule, Instant.parse("2026-06-03T20:00:00Z")).orElseThrow().user()).as("Wednesday 22:00").isEqualTo("alice");
        assertThat(OnCall.at(schedule, Instant.parse("2026-06-06T08:00:00Z")).orElseThrow().user()).as("Saturday 10:00").isEqualTo("alice");
        OnCall.Shift covered = OnCall.at(schedule, Instant.parse("2026-06-03T11:00:00Z")).orElseThrow();
        assertThat(covered.user()).isEqualTo("carol");
        assertThat(covered.by()).isEqualTo("override");
    }

    @Test
    void theSpansOfAWeekAreExactAtEveryHandOffRestrictionEdgeAndOverrideAndMergeWhereThePersonStaysTheSame() {
        Schedule.Layer base = new Schedule.Layer("nights", LocalDateTime.parse("2026-03-23T09:00"), "P7D", List.of("alice"), List.of());
        Schedule.Layer office = new Schedule.Layer("office", LocalDateTime.parse("2026-03-23T09:00"), "P1D", List.of("bob"),
                List.of(new Schedule.Restriction(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(10, 0), LocalTime.of(12, 0))));
        Schedule schedule = new Schedule("spans", "Spans", "ops", "Europe/Berlin", List.of(base, office), List.of(
                new Schedule.Override("carol", Instant.parse("2026-03-27T12:00:00Z"), Instant.parse("2026-03-27T13:00:00Z"))));

        List<OnCall.Shift> spans = OnCall.spans(schedule, Instant.parse("2026-03-27T00:00:00Z"), Instant.parse("2026-03-30T00:00:00Z"));

        assertThat(spans).extracting(s -> s.user() + " " + s.from() + " " + s.to()).containsExactly(
                "alice 2026-03-27T00:00:00Z 2026-03-27T12:00:00Z",
                "carol 2026-03-27T12:00:00Z 2026-03-27T13:00:00Z",
                "alice 2026-03-27T13:00:00Z 2026-03-28T09:00:00Z",
                "bob 2026-03-28T09:00:00Z 2026-03-28T11:00:00Z",
                "alice 2026-03-28T11:00:00Z 2026-03-29T08:00:00Z",
                "bob 2026-03-29T08:00:00Z 2026-03-29T10:00:00Z",
                "alice 2026-03-29T10:00:00Z 2026-03-30T00:00:00Z");
    }

    @Test
    void nobodyIsOnCallBeforeTheFirstHandOff() {
        assertThat(OnCall.at(daily("Europe/Berlin", "2026-06-01T09:00", "alice"), Instant.parse("2026-06-01T06:00:00Z"))).isEmpty();
    }

    private static Schedule daily(String zone, String firstHandoff, String... members) {
        return new Schedule("daily", "Daily", "ops", zone, List.of(new Schedule.Layer("primary", LocalDateTime.parse(firstHandoff), "P1D",
                List.of(members), List.of())), List.of());
    }
}
