package dev.goldenfive.runbook;

import java.util.ArrayList;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;

/** The lines of two runbook documents side by side in one column: kept, removed and added, with line numbers. */
final class SourceDiff {

    enum Kind { SAME, REMOVED, ADDED }

    record Line(Kind kind, Integer before, Integer after, String text) {
    }

    private SourceDiff() {
    }

    static List<Line> between(String before, String after) {
        List<String> old = before.lines().toList();
        List<String> fresh = after.lines().toList();
        Patch<String> patch = DiffUtils.diff(old, fresh);
        List<Line> lines = new ArrayList<>();
        int o = 0;
        int n = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            while (o < delta.getSource().getPosition()) {
                lines.add(new Line(Kind.SAME, o + 1, n + 1, old.get(o)));
                o++;
                n++;
            }
            for (String removed : delta.getSource().getLines()) {
                lines.add(new Line(Kind.REMOVED, ++o, null, removed));
            }
            for (String added : delta.getTarget().getLines()) {
                lines.add(new Line(Kind.ADDED, null, ++n, added));
            }
        }
        while (o < old.size()) {
            lines.add(new Line(Kind.SAME, o + 1, n + 1, old.get(o)));
            o++;
            n++;
        }
        return lines;
    }
}
