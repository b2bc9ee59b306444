package org.swarmosgi.clusterconfig.internal;

import java.util.Arrays;
import java.util.List;

/** {@link ClusterConfigConfig}, checked: every bad value is refused with a message naming its key. */
record Settings(Policy policy, long gossipIntervalMs, int maxPids, int maxEntryBytes, String stateDir) {

    Settings {
        range("gossip.interval.ms", gossipIntervalMs, 100, 600_000);
        range("max.pids", maxPids, 1, 4096);
        range("max.entry.bytes", maxEntryBytes, 256, 1 << 20);
    }

    static Settings of(ClusterConfigConfig c) {
        return new Settings(new Policy(split("allow.pids", c.allow_pids()), split("deny.keys", c.deny_keys())),
                c.gossip_interval_ms(), c.max_pids(), c.max_entry_bytes(), c.state_dir().strip());
    }

    /** A .cfg file gives a list as one string: split it at commas; blanks are dropped. */
    private static List<String> split(String key, String[] values) {
        final List<String> out = Arrays.stream(values).flatMap(s -> Arrays.stream(s.split(",")))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String s : out) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isISOControl(s.charAt(i)) || Character.isWhitespace(s.charAt(i))) {
                    throw new IllegalArgumentException(key + ": '" + s.replaceAll("\\p{Cntrl}", "?")
                            + "' holds a space or control character");
                }
            }
        }
        return out;
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
