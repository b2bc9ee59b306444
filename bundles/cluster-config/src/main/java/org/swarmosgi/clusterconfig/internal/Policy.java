package org.swarmosgi.clusterconfig.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What is shared: the PIDs on the allow-list (never the built-in local ones), and of their properties
 * every key but the secret and local ones. Globs know {@code *} only. Pure and immutable.
 */
final class Policy {

    /** PIDs that make a node what it is (identity, secret, addresses, how it finds peers): never shared. */
    static final List<String> NEVER_SHARED = List.of("org.swarmosgi.node", "org.swarmosgi.transport.aeron",
            "org.swarmosgi.membership.*", "org.swarmosgi.clusterconfig");
    /** Keys ConfigAdmin or FileInstall keep per node. */
    static final Set<String> LOCAL_KEYS = Set.of("service.pid", "service.factorypid", "service.bundlelocation",
            "felix.fileinstall.filename");

    private final List<String> allowPids;
    private final List<String> denyKeys;
    private final Pattern allow;
    private final Pattern never;
    private final Pattern deny;

    Policy(List<String> allowPids, List<String> denyKeys) {
        this.allowPids = List.copyOf(allowPids);
        this.denyKeys = List.copyOf(denyKeys);
        this.allow = globs(allowPids, 0);
        this.never = globs(NEVER_SHARED, 0);
        this.deny = globs(denyKeys, Pattern.CASE_INSENSITIVE);
    }

    List<String> allowPids() {
        return allowPids;
    }

    List<String> denyKeys() {
        return denyKeys;
    }

    /** A PID this node shares: on the allow-list and not one of {@link #NEVER_SHARED}. */
    boolean shares(String pid) {
        return allow.matcher(pid).matches() && !never.matcher(pid).matches();
    }

    /** Never shared whatever the allow-list says. */
    static boolean neverShared(String pid) {
        return globs(NEVER_SHARED, 0).matcher(pid).matches();
    }

    /** A key that stays on this node: a secret, private ('.' first) or ConfigAdmin's and FileInstall's own. */
    boolean local(String key) {
        return key.startsWith(".") || LOCAL_KEYS.contains(key.toLowerCase(Locale.ROOT)) || deny.matcher(key).matches();
    }

    private static Pattern globs(List<String> globs, int flags) {
        if (globs.isEmpty()) {
            return Pattern.compile("(?!)"); // matches nothing
        }
        final StringBuilder re = new StringBuilder();
        for (String g : globs) {
            if (!re.isEmpty()) {
                re.append('|');
            }
            final String[] parts = g.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    re.append(".*");
                }
                re.append(Pattern.quote(parts[i]));
            }
        }
        return Pattern.compile(re.toString(), flags | Pattern.DOTALL);
    }
}
