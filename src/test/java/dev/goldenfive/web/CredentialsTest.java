package dev.goldenfive.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
            http://ops:s3cret@proxy.internal:3128 => http://***@proxy.internal:3128
            https://ci:t@ken@artifactory.corp/api/go => https://***@artifactory.corp/api/go
            https://ghp_token@github.com/org/repo => https://***@github.com/org/repo
            socks5://u:p@127.0.0.1:1080 => socks5://***@127.0.0.1:1080
            401 from https://ci:pw@artifactory.corp/api/go => 401 from https://***@artifactory.corp/api/go
            https://u:p@a.corp,https://v:q@b.corp,direct => https://***@a.corp,https://***@b.corp,direct
            user:pass@proxy:3128 => ***@proxy:3128
            user:pass@proxy => ***@proxy
            ops:p@ss@word@proxy.internal:3128 => ***@proxy.internal:3128
            u:p/a:ss@proxy:3128 => ***@proxy:3128
            u:p@a.corp,direct => ***@a.corp,direct
            u:p@a.corp|https://proxy.golang.org => ***@a.corp|https://proxy.golang.org
            u:p@a.corp,v:q@b.corp,off => ***@a.corp,***@b.corp,off
            HTTPS_PROXY=user:pass@proxy:3128 => HTTPS_PROXY=***@proxy:3128
            proxyconnect tcp: dial user:pass@proxy:3128: connect: refused => proxyconnect tcp: dial ***@proxy:3128: connect: refused
            proxy "user:pass@proxy:3128" refused => proxy "***@proxy:3128" refused
            proxy 'user:pass@proxy:3128' refused => proxy '***@proxy:3128' refused
            (via user:pass@proxy:3128) => (via ***@proxy:3128)
            a;user:pass@proxy:3128 => a;***@proxy:3128
            user:pass@[2001:db8::1]:3128 => ***@[2001:db8::1]:3128
            user:pass@proxy:3128/path => ***@proxy:3128/path
            user:@proxy:3128 => ***@proxy:3128
            https://user:p%40ss@chat.example.com:8443/hooks/1?a=b@c => https://***@chat.example.com:8443/hooks/1?a=b@c
            https://a@b:c@chat.example.com => https://***@chat.example.com
            https://chat.example.com/path@not-credentials => https://chat.example.com/path@not-credentials
            https://chat.example.com#frag@x => https://chat.example.com#frag@x
            https://chat.example.com?to=ops@example.com => https://chat.example.com?to=ops@example.com
            """)
    void masksEveryUserAndPasswordInAUrlWithOrWithoutAScheme(String given, String masked) {
        assertThat(Credentials.masked(given)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "proxy.golang.org",
            "https://proxy.golang.org,direct",
            "http://proxy.internal:3128",
            "proxy.internal:3128",
            "ops@example.com",
            "mail ops@example.com about it",
            "git@github.com:org/repo.git",
            "took 1:30 at 10:04:59",
            "2026-12-05T10:04:59Z ops@example.com",
            "dial tcp 10.0.0.1:443: i/o timeout",
            "lookup proxy.golang.org on 10.0.0.2:53: no such host",
            "Contact: ops@example.com",
            "[::1]:8080",
            "1h2m3s",
            ""
    })
    void leavesTextWithoutAPasswordAlone(String given) {
        assertThat(Credentials.masked(given)).isEqualTo(given);
    }

    @ParameterizedTest
    @NullSource
    void leavesNothingAsNothing(String given) {
        assertThat(Credentials.masked(given)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cret", "p@ss", "t0ken"})
    void neverLeavesAPasswordInALongMessage(String password) {
        String message = "Get \"https://proxy.golang.org/@v/list\": proxyconnect tcp: dial ops:" + password
                + "@proxy.internal:3128: connect: connection refused; GOPROXY=https://ci:" + password + "@mirror.corp,direct";

        assertThat(Credentials.masked(message)).doesNotContain(password)
                .contains("dial ***@proxy.internal:3128").contains("GOPROXY=https://***@mirror.corp,direct")
                .contains("https://proxy.golang.org/@v/list");
    }
}
