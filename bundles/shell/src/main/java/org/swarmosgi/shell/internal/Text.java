package org.swarmosgi.shell.internal;

/** Text that fits a terminal: one line, control characters shown as '?', cut to a width. Pure. */
final class Text {

    /** The width every line of the commands' output fits. */
    static final int WIDTH = 80;

    private static final String ELLIPSIS = "...";

    private Text() {
    }

    /** {@code text} on one line: every control character (newlines too) becomes '?'. */
    static String printable(String text) {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /**
     * {@code text} cut to {@code width} characters, ending in "..." when cut.
     *
     * @param width at least 4
     */
    static String fit(String text, int width) {
        if (width < ELLIPSIS.length() + 1) {
            throw new IllegalArgumentException("width must be at least 4, was " + width);
        }
        if (text.length() <= width) {
            return text;
        }
        int end = width - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a character in two
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    /** {@code text} padded with spaces to {@code width}, or cut to it. */
    static String column(String text, int width) {
        final String cut = fit(text, width);
        return cut + " ".repeat(width - cut.length());
    }
}
