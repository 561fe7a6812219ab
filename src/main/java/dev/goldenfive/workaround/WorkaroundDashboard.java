package dev.goldenfive.workaround;

import java.util.Map;

import org.springframework.stereotype.Component;

import dev.goldenfive.incident.DashboardSection;

/** The workarounds still in place, on the dashboard: what nobody may forget to undo. */
@Component
class WorkaroundDashboard implements DashboardSection {

    private final Workarounds workarounds;

    WorkaroundDashboard(Workarounds workarounds) {
        this.workarounds = workarounds;
    }

    @Override
    public String name() {
        return "workarounds";
    }

    @Override
    public String template() {
        return "workaround/dashboard";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Map<String, Object> model() {
        return Map.of("inPlace", workarounds.open());
    }
}
