package dev.goldenfive;

import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real SMTP server (GreenMail) on loopback, one per test JVM, that keeps every message it is sent; the test
 * application's {@code spring.mail.*} point at it.
 */
public final class TestMail implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** Started when first asked for: a class's static initialiser runs once, without a lock of ours. */
    private static final class Holder {
        static final GreenMail SERVER = start();

        private static GreenMail start() {
            try (ServerSocket socket = new ServerSocket(0)) {
                GreenMail server = new GreenMail(new ServerSetup(socket.getLocalPort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
                socket.close();
                server.start();
                return server;
            }
            catch (java.io.IOException ex) {
                throw new IllegalStateException("no free port for the test SMTP server", ex);
            }
        }
    }

    public static int port() {
        return Holder.SERVER.getSmtp().getPort();
    }

    /** Every message received so far to this address. */
    public static List<MimeMessage> to(String address) {
        return Arrays.stream(Holder.SERVER.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().equalsIgnoreCase(address));
            }
            catch (jakarta.mail.MessagingException ex) {
                return false;
            }
        }).toList();
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("spring.mail.host=127.0.0.1", "spring.mail.port=" + port()).applyTo(context);
    }
}
