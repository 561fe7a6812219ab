package dev.goldenfive.web;

import java.util.Locale;
import java.util.Set;

import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.dialect.AbstractDialect;
import org.thymeleaf.dialect.IPostProcessorDialect;
import org.thymeleaf.engine.AbstractTemplateHandler;
import org.thymeleaf.model.IAttribute;
import org.thymeleaf.model.ICloseElementTag;
import org.thymeleaf.model.IModelFactory;
import org.thymeleaf.model.IOpenElementTag;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.model.IStandaloneElementTag;
import org.thymeleaf.model.IText;
import org.thymeleaf.postprocessor.IPostProcessor;
import org.thymeleaf.postprocessor.PostProcessor;
import org.thymeleaf.templatemode.TemplateMode;

import org.springframework.stereotype.Component;

/**
 * Every HTML page shows text as {@link VisibleText} makes it, whichever template, fragment or error page wrote
 * it: one place instead of a call in every {@code th:text}. It works on the rendered output, so text that a
 * template forgot is covered too. The content of {@code <textarea>} is left alone (an edit form must send the
 * stored text back unchanged), as is that of {@code <script>} and {@code <style>}, which are not shown. Of the
 * attributes, those a browser shows as text (tooltips, labels, confirmations) are treated as well.
 */
@Component
public class VisibleTextDialect extends AbstractDialect implements IPostProcessorDialect {

    public VisibleTextDialect() {
        super("visible-text");
    }

    @Override
    public int getDialectPostProcessorPrecedence() {
        return 1000;
    }

    @Override
    public Set<IPostProcessor> getPostProcessors() {
        return Set.of(new PostProcessor(TemplateMode.HTML, Handler.class, 1000));
    }

    /** One per template rendered (Thymeleaf makes it), so it may keep where it is in the page. */
    public static final class Handler extends AbstractTemplateHandler {

        /** Attributes a browser shows to people. */
        private static final Set<String> SHOWN = Set.of("title", "alt", "placeholder", "aria-label", "data-confirm");

        private IModelFactory models;
        /** How deep inside elements whose content is not shown text (textarea, script, style). */
        private int raw;

        public Handler() {
        }

        @Override
        public void setContext(ITemplateContext context) {
            super.setContext(context);
            this.models = context.getModelFactory();
        }

        @Override
        public void handleText(IText text) {
            if (raw == 0 && VisibleText.needed(text)) {
                super.handleText(models.createText(VisibleText.of(text.getText())));
            }
            else {
                super.handleText(text);
            }
        }

        @Override
        public void handleOpenElement(IOpenElementTag tag) {
            if (isRaw(tag.getElementCompleteName())) {
                raw++;
            }
            super.handleOpenElement(shown(tag));
        }

        @Override
        public void handleCloseElement(ICloseElementTag tag) {
            if (raw > 0 && isRaw(tag.getElementCompleteName())) {
                raw--;
            }
            super.handleCloseElement(tag);
        }

        @Override
        public void handleStandaloneElement(IStandaloneElementTag tag) {
            super.handleStandaloneElement(shown(tag));
        }

        private static boolean isRaw(String element) {
            return element.equalsIgnoreCase("textarea") || element.equalsIgnoreCase("script") || element.equalsIgnoreCase("style");
        }

        private <T extends IProcessableElementTag> T shown(T tag) {
            T result = tag;
            for (IAttribute attribute : tag.getAllAttributes()) {
                String value = attribute.getValue();
                if (value != null && VisibleText.needed(value)) {
                    String name = attribute.getAttributeCompleteName();
                    if (SHOWN.contains(name.toLowerCase(Locale.ROOT))) {
                        result = models.setAttribute(result, name, VisibleText.of(value));
                    }
                }
            }
            return result;
        }
    }
}
