package dev.goldenfive.probe;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import dev.goldenfive.security.TokenKind;
import dev.goldenfive.security.TokenPrincipal;
import dev.goldenfive.timeline.Actor;

/** Who is posting: a registered agent (with its labels), an agent token of no agent, or a person. */
@Component
class Senders {

    private final Agents agents;

    Senders(Agents agents) {
        this.agents = agents;
    }

    ProbeIngest.Sender of(Authentication caller) {
        TokenPrincipal token = (TokenPrincipal) caller.getPrincipal();
        if (token.kind() == TokenKind.PERSONAL) {
            return new ProbeIngest.Sender("user:" + token.username(), null, token.username(), Map.of(),
                    Actor.user(token.username()));
        }
        return agents.byToken(token.tokenId())
                .map(a -> new ProbeIngest.Sender("agent:" + a.id(), a.id(), a.name(), a.labels(), new Actor(Actor.Kind.AGENT, a.name())))
                .orElseGet(() -> new ProbeIngest.Sender("token:" + token.tokenId(), null, token.tokenName(), Map.of(),
                        new Actor(Actor.Kind.AGENT, token.tokenName())));
    }
}
