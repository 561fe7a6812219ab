package dev.goldenfive.web;

import java.util.List;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.validation.Errors;
import org.springframework.web.ErrorResponseException;

/**
 * A value that breaks a rule only the service can check. Answers 400 problem+json naming the field on
 * the API (in English); pages {@linkplain #say(MessageSource, Locale) say} the field's name and the reason in
 * the reader's language, where the messages have them ({@code field.<name>} and the reason's code).
 */
public class InvalidField extends ErrorResponseException {

    private final String field;
    private final String reason;
    private final String code;
    private final Object[] arguments;

    public InvalidField(String field, String reason) {
        this(field, reason, null);
    }

    /** With the message {@code code} (and its {@code arguments}) that says {@code reason} in other languages. */
    public InvalidField(String field, String reason, String code, Object... arguments) {
        super(HttpStatus.BAD_REQUEST,
                ApiExceptionHandler.invalid(List.of(new FieldProblem(field, reason))), null);
        this.field = field;
        this.reason = reason;
        this.code = code;
        this.arguments = arguments;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The field's name and the reason, as a reader of {@code locale} reads them: {@code 搜索：“level:” 后面需要一个值}. */
    public String say(MessageSource messages, Locale locale) {
        String name = messages.getMessage("field." + field, null, field, locale);
        return messages.getMessage("field.problem", new Object[] {name, reason(messages, locale)}, name + ": " + reason, locale);
    }

    /** The reason alone, as a reader of {@code locale} reads it: {@code 最多 1000 个字符}. */
    public String reason(MessageSource messages, Locale locale) {
        return code == null ? reason : messages.getMessage(code, arguments, reason, locale);
    }

    /**
     * Puts the reason on the form's {@code field}, where the page shows it beside the field it is about (so without
     * the field's name), in the reader's language when the page renders it.
     */
    public void rejectInto(Errors errors, String field) {
        errors.rejectValue(field, code == null ? "invalid" : code, arguments, reason);
    }
}
