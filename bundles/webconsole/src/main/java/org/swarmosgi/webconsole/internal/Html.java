package org.swarmosgi.webconsole.internal;

/** Escaping for the few values the page's skeleton carries: the page's data is drawn as DOM text. */
final class Html {

    private Html() {
    }

    /** {@code value} made safe inside a quoted HTML attribute (single or double quotes) and as text. */
    static String attribute(String value) {
        final StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
