package dev.goldenfive.workaround;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The workaround ledger ({@code goldenfive.workaround.*}).
 *
 * @param overduePoll how often each replica looks for workarounds past their revert-by time, to remind their owners
 */
@ConfigurationProperties("goldenfive.workaround")
public record WorkaroundSettings(@DefaultValue("30s") Duration overduePoll) {
}
