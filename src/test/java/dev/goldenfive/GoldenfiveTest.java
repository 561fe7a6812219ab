package dev.goldenfive;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a random port against a real (embedded, throw-away) PostgreSQL. Every test
 * class with this annotation shares one application context and so one database: tests make their own
 * uniquely named users and tokens. Mail goes to a real SMTP server in the test JVM ({@link TestMail}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestMail.class)
public @interface GoldenfiveTest {

    String ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijklmnop";
    String ADMIN_PASSWORD = "test-admin-password";
}
