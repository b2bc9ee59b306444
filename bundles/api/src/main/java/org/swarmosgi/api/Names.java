package org.swarmosgi.api;

import java.nio.charset.StandardCharsets;

/** Checks of names that travel on the wire: length in UTF-8 bytes, no control characters. */
final class Names {
    private Names() {
    }

    static void check(String what, String value, int maxBytes) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters: "
                        + value.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        final int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes in UTF-8, more than " + maxBytes);
        }
    }
}
