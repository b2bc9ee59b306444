package org.swarmosgi.shell.internal;

/**
 * A shell glob over names: {@code *} matches any run of characters (none too), {@code ?} exactly
 * one; every other character matches itself. No regular expression is built from user text. Pure.
 */
final class Glob {

    private final String pattern;

    private Glob(String pattern) {
        this.pattern = pattern;
    }

    /** The glob {@code pattern}, checked by {@link ShellArgs#glob}. */
    static Glob of(String pattern) {
        return new Glob(ShellArgs.glob(pattern));
    }

    /** Matches every name. */
    static Glob all() {
        return new Glob("*");
    }

    boolean isAll() {
        return pattern.equals("*");
    }

    String pattern() {
        return pattern;
    }

    /**
     * Whether the whole of {@code text} matches. Linear backtracking over the last {@code *}:
     * at worst pattern length x text length steps, never exponential.
     */
    boolean matches(String text) {
        int p = 0;
        int t = 0;
        int star = -1;    // index in pattern of the last '*' seen
        int starText = 0; // where in text that '*' currently ends
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))
                    && pattern.charAt(p) != '*') {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starText = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
