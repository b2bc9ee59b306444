package org.swarmosgi.clusterconfig.internal;

import java.lang.reflect.Array;
import java.util.Locale;

/** A value typed on the command line: the type of the value it replaces, String when new. Pure. */
final class Typed {
    private Typed() {
    }

    /**
     * @param text the value as typed; for an array, its items separated by commas
     * @param old  the value it replaces, or null
     */
    static Object parse(String text, Object old) {
        if (old == null) {
            return text;
        }
        final Value.Kind kind = Value.of(old).kind();
        if (!kind.array()) {
            return scalar(kind.item, text);
        }
        final String[] items = text.isEmpty() ? new String[0] : text.split(",", -1);
        final Class<?> component = old.getClass().getComponentType();
        final Object array = Array.newInstance(component, items.length);
        for (int i = 0; i < items.length; i++) {
            Array.set(array, i, scalar(kind.item, items[i].strip()));
        }
        return array;
    }

    private static Object scalar(Class<?> type, String text) {
        try {
            if (type == Long.class) {
                return Long.parseLong(text.strip());
            } else if (type == Integer.class) {
                return Integer.parseInt(text.strip());
            } else if (type == Double.class) {
                return Double.parseDouble(text.strip());
            } else if (type == Boolean.class) {
                final String b = text.strip().toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) {
                    throw new IllegalArgumentException("'" + text + "' is not true or false (the key is a Boolean)");
                }
                return Boolean.valueOf(b);
            }
            return text;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + type.getSimpleName() + " (the key is one)");
        }
    }
}
