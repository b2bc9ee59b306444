package org.swarmosgi.test.support;

import java.util.ArrayList;
import java.util.List;

/**
 * The distribution's {@code conf/jvm.options} as {@code bin/swarm} reads it: one option a line, {@code #} to the end
 * of a line a comment, blanks around an option dropped. Benchmarks start their node JVMs with it, and tests check
 * that the launcher passes it.
 */
public final class JvmOptionsFile {
    private JvmOptionsFile() {
    }

    /** The options of a jvm.options text, in order. */
    public static List<String> parse(String text) {
        final List<String> options = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            final int comment = line.indexOf('#');
            final String option = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return List.copyOf(options);
    }
}
