package dev.goldenfive.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.StringTemplateResolver;

import static org.assertj.core.api.Assertions.assertThat;

/** The dialect on its own, in a bare Thymeleaf engine: what it changes and what it leaves alone. */
class VisibleTextDialectTest {

    private static final String DECEIVING = "run\u001b[2J \u0007\b\u202etxt.exe\u0000";
    private static final String SHOWN = "run\u241b[2J \u2407\u2408\\u202etxt.exe\u2400";

    private final SpringTemplateEngine engine = engine();

    @Test
    void textWrittenByATemplateShowsPicturesAndWrittenOutMarks() {
        assertThat(render("<p th:text=\"${t}\">x</p><span>[[${t}]]</span>"))
                .isEqualTo("<p>" + SHOWN + "</p><span>" + SHOWN + "</span>");
    }

    @Test
    void attributesPeopleReadAreTreatedAndOthersKeepTheirValue() {
        assertThat(render("<a th:title=\"${t}\" th:attr=\"data-confirm=${t},data-key=${t}\" th:aria-label=\"${t}\">x</a>"
                + "<img th:alt=\"${t}\"><input th:placeholder=\"${t}\" th:value=\"${t}\">"))
                .contains("title=\"" + SHOWN + "\"").contains("data-confirm=\"" + SHOWN + "\"")
                .contains("aria-label=\"" + SHOWN + "\"").contains("alt=\"" + SHOWN + "\"").contains("placeholder=\"" + SHOWN + "\"")
                .contains("data-key=\"" + DECEIVING + "\"").contains("value=\"" + DECEIVING + "\"");
    }

    @Test
    void aTextareaScriptAndStyleKeepTheirContentSoEditFormsRoundTrip() {
        assertThat(render("<textarea th:text=\"${t}\"></textarea><p th:text=\"${t}\"></p>"
                + "<script th:inline=\"javascript\">let t = [[${t}]];</script><style>p{}</style><p th:text=\"${t}\"></p>"))
                .startsWith("<textarea>" + DECEIVING + "</textarea><p>" + SHOWN + "</p><script>")
                .endsWith("</style><p>" + SHOWN + "</p>");
    }

    @Test
    void textWithNothingToShowDifferentlyIsLeftAsItIs() {
        assertThat(render("<p th:text=\"'北京 \u2014 ✓ tab\tline'\">x</p>")).isEqualTo("<p>北京 \u2014 ✓ tab\tline</p>");
    }

    private String render(String template) {
        return engine.process(template, new Context(null, Map.of("t", DECEIVING)));
    }

    private static SpringTemplateEngine engine() {
        var resolver = new StringTemplateResolver();
        resolver.setTemplateMode(TemplateMode.HTML);
        var engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        engine.addDialect(new VisibleTextDialect());
        return engine;
    }
}
