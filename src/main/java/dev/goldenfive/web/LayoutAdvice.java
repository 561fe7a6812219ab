package dev.goldenfive.web;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.info.GitProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's layout shows: who is signed in (and so which navigation) and the running version. */
@ControllerAdvice(annotations = Controller.class)
class LayoutAdvice {

    private final String version;

    LayoutAdvice(ObjectProvider<BuildProperties> build, ObjectProvider<GitProperties> git) {
        String v = build.getIfAvailable() != null ? build.getIfAvailable().getVersion() : "dev";
        GitProperties commit = git.getIfAvailable();
        this.version = commit != null && commit.getShortCommitId() != null ? v + " (" + commit.getShortCommitId() + ")" : v;
    }

    /** The signed-in person as the layout needs it; {@code null} on pages seen before signing in. */
    public record Viewer(String username, Set<String> roles) {

        public boolean is(String role) {
            return roles.contains(role);
        }

        public String rolesLabel() {
            return roles.stream().sorted().collect(Collectors.joining(" · "));
        }
    }

    @ModelAttribute("viewer")
    Viewer viewer() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        Set<String> roles = auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_"))
                .map(a -> a.substring("ROLE_".length()))
                .collect(Collectors.toUnmodifiableSet());
        return new Viewer(auth.getName(), roles);
    }

    @ModelAttribute("appVersion")
    String appVersion() {
        return version;
    }
}
