package org.swarmosgi.membership.kubernetes.internal;

/**
 * Text from the API server (error messages, pod names) made safe for one log line: control and
 * format characters escaped as {@code \\uXXXX}, so nobody can forge log lines or drive a terminal,
 * and the length capped, so a hostile answer cannot flood the log.
 */
final class LogText {

    private LogText() {
    }

    /** {@code text} escaped, cut to {@code max} characters with a note of how many were left out. */
    static String safe(String text, int max) {
        if (text == null) {
            return "null";
        }
        final StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 32);
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            final char c = text.charAt(i);
            final int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("... (").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }
}
