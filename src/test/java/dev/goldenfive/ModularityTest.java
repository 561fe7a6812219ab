package dev.goldenfive;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

class ModularityTest {

    @Test
    void modulesOnlyUseEachOthersPublicSurfacesAndFormNoCycles() {
        ApplicationModules.of(GoldenfiveApplication.class).verify();
    }
}
