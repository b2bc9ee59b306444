package org.swarmosgi.clusterconfig.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One configuration value as it is shared: a String, Long, Integer, Boolean or Double, or an array of
 * them (of the boxed or the primitive type, kept as it was). Arrays are held as immutable lists, so
 * values compare by content. Anything else (Float, Collections, ...) cannot be shared.
 *
 * @param kind  the type, as named on the wire
 * @param value the boxed scalar, or an immutable list of boxed items
 */
record Value(Kind kind, Object value) {

    /** Most items in one array. */
    static final int MAX_ITEMS = 4096;

    enum Kind {
        STRING("String", String.class, false), LONG("Long", Long.class, false), INTEGER("Integer", Integer.class, false),
        BOOLEAN("Boolean", Boolean.class, false), DOUBLE("Double", Double.class, false),
        STRING_ARRAY("String[]", String.class, false), LONG_ARRAY("Long[]", Long.class, false),
        INTEGER_ARRAY("Integer[]", Integer.class, false), BOOLEAN_ARRAY("Boolean[]", Boolean.class, false),
        DOUBLE_ARRAY("Double[]", Double.class, false), LONG_PRIMITIVES("long[]", Long.class, true),
        INT_PRIMITIVES("int[]", Integer.class, true), BOOLEAN_PRIMITIVES("boolean[]", Boolean.class, true),
        DOUBLE_PRIMITIVES("double[]", Double.class, true);

        final String wire;
        final Class<?> item;
        final boolean primitive;

        Kind(String wire, Class<?> item, boolean primitive) {
            this.wire = wire;
            this.item = item;
            this.primitive = primitive;
        }

        boolean array() {
            return wire.endsWith("[]");
        }

        static Kind of(String wire) {
            for (Kind k : values()) {
                if (k.wire.equals(wire)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown value type '" + wire + "'");
        }
    }

    Value {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (kind.array()) {
            final List<?> items = (List<?>) value;
            if (items.size() > MAX_ITEMS) {
                throw new IllegalArgumentException("an array of " + items.size() + " items is above " + MAX_ITEMS);
            }
            for (Object o : items) {
                check(kind, o);
            }
            value = List.copyOf(items);
        } else {
            check(kind, value);
        }
    }

    private static void check(Kind kind, Object o) {
        if (!kind.item.isInstance(o)) {
            throw new IllegalArgumentException(kind.wire + " holds a " + (o == null ? "null" : o.getClass().getSimpleName()));
        }
        if (o instanceof Double d && !Double.isFinite(d)) {
            throw new IllegalArgumentException("NaN and infinite doubles cannot be shared");
        }
    }

    /** The value of a ConfigAdmin property, or IllegalArgumentException naming its type when it cannot be shared. */
    static Value of(Object o) {
        if (o == null) {
            throw new IllegalArgumentException("null values cannot be shared");
        }
        for (Kind k : Kind.values()) {
            if (!k.array() && k.item == o.getClass()) {
                return new Value(k, o);
            }
        }
        final Class<?> c = o.getClass();
        if (c.isArray()) {
            final Class<?> component = c.getComponentType();
            for (Kind k : Kind.values()) {
                if (k.array() && (k.primitive ? component.isPrimitive() && box(component) == k.item : component == k.item)) {
                    final int n = Array.getLength(o);
                    final List<Object> items = new ArrayList<>(Math.min(n, MAX_ITEMS + 1));
                    for (int i = 0; i < n && i <= MAX_ITEMS; i++) {
                        items.add(Array.get(o, i));
                    }
                    return new Value(k, items);
                }
            }
        }
        throw new IllegalArgumentException("values of type " + c.getTypeName() + " cannot be shared (String, Long, "
                + "Integer, Boolean, Double and arrays of them can)");
    }

    /** A new object for ConfigAdmin: the scalar, or a fresh array of the kept type. */
    Object toConfig() {
        if (!kind.array()) {
            return value;
        }
        final List<?> items = (List<?>) value;
        final Class<?> component = kind.primitive ? primitive(kind.item) : kind.item;
        final Object array = Array.newInstance(component, items.size());
        for (int i = 0; i < items.size(); i++) {
            Array.set(array, i, items.get(i));
        }
        return array;
    }

    /** For people: the scalar, or the items in brackets. */
    String text() {
        return kind.array() ? value.toString() : String.valueOf(value);
    }

    private static Class<?> box(Class<?> primitive) {
        return primitive == long.class ? Long.class : primitive == int.class ? Integer.class
                : primitive == boolean.class ? Boolean.class : primitive == double.class ? Double.class : Void.class;
    }

    private static Class<?> primitive(Class<?> boxed) {
        return boxed == Long.class ? long.class : boxed == Integer.class ? int.class
                : boxed == Boolean.class ? boolean.class : double.class;
    }
}
