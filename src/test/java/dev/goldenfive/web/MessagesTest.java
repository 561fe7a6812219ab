package dev.goldenfive.web;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every page text exists in each language, so no Chinese page falls back to English in places. */
class MessagesTest {

    @Test
    void everyEnglishMessageHasAChineseTranslationAndNoneIsLeftOver() throws IOException {
        Properties english = load("messages.properties");
        Properties chinese = load("messages_zh.properties");

        assertThat(chinese.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
    }

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (var reader = new InputStreamReader(new ClassPathResource(name).getInputStream(), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
