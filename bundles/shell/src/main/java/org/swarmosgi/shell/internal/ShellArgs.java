package org.swarmosgi.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.swarmosgi.api.SwarmRegistry;

/**
 * Checks of command arguments, made before the registry is called, with messages that name what is
 * wrong. Pure: each check returns the value or throws {@link IllegalArgumentException}.
 */
final class ShellArgs {

    /** The longest timeout a command waits: 10 minutes. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private ShellArgs() {
    }

    /**
     * A name or worker type as the registry takes it: 1 to {@value SwarmRegistry#MAX_NAME_BYTES}
     * UTF-8 bytes, no control characters.
     *
     * @param what what the value is, for the message ("name", "worker type")
     */
    static String name(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s must not contain control characters: U+%04X at position %d of '%s'",
                        what, (int) c, i + 1, Text.printable(value)));
            }
        }
        final int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > SwarmRegistry.MAX_NAME_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes in UTF-8, more than "
                    + SwarmRegistry.MAX_NAME_BYTES);
        }
        return value;
    }

    /** A message: any text, control characters and all (the worker's codec decides), but not nothing. */
    static String message(String value) {
        if (value == null) {
            throw new IllegalArgumentException("message must be given");
        }
        return value;
    }

    /** A timeout in whole milliseconds, 1 to {@link #MAX_TIMEOUT}; null is the registry's default. */
    static Duration timeoutMs(String text) {
        if (text == null) {
            return SwarmRegistry.DEFAULT_TIMEOUT;
        }
        final long ms = wholeNumber(text.strip());
        if (ms < 1 || ms > MAX_TIMEOUT.toMillis()) {
            throw new IllegalArgumentException("timeoutMs must be a whole number of milliseconds from 1 to "
                    + MAX_TIMEOUT.toMillis() + ", was '" + Text.printable(text) + "'"
                    + (ms == -1 ? " (quote a message that has spaces: swarm:call name \"inc 5\")" : ""));
        }
        return Duration.ofMillis(ms);
    }

    /** A page number, 1 or more. */
    static int page(String text) {
        final long page = text == null ? -1 : wholeNumber(text.strip());
        if (page < 1 || page > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--page must be a whole number from 1, was '"
                    + Text.printable(String.valueOf(text)) + "'");
        }
        return (int) page;
    }

    /** A glob: not empty, no control characters. */
    static String glob(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("glob must not be empty: leave it out to list every name");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("glob must not contain control characters: '"
                        + Text.printable(value) + "'");
            }
        }
        return value;
    }

    /** Decimal digits as a number, or -1 when they are not (or past {@code Long.MAX_VALUE}). */
    private static long wholeNumber(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
