package org.swarmosgi.clusterconfig.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The protocol's messages and the kept state as JSON, through Jackson's streaming API: every value
 * carries its type ({@code {"type":"Long","value":5}}), nothing is bound to classes, never Java
 * serialization. Reading trusts nothing: the document's size, depth, string and number lengths are
 * bounded before they are read, every field is expected by name, counts and sizes are checked against
 * the settings, and anything else throws {@link IllegalArgumentException} saying what is wrong.
 */
final class Json {
    static final int VERSION = 1;
    /** Bytes of a message or state document beyond its entries. */
    private static final int OVERHEAD = 4096;

    private static final JsonFactory WRITE = JsonFactory.builder().build();

    private Json() {
    }

    /** Bounds of what is read. */
    record Limits(int maxPids, int maxEntryBytes) {
        long maxDocument() {
            return (long) maxPids * (maxEntryBytes + 2L * Entry.MAX_NAME + 128) + OVERHEAD;
        }
    }

    // ================================================================ writing

    static byte[] encode(Msg msg) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = WRITE.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            if (msg instanceof Msg.Catalog c) {
                g.writeStringField("kind", "catalog");
                g.writeBooleanField("whole", c.whole());
                g.writeArrayFieldStart("entries");
                for (Entry e : c.entries()) {
                    entry(g, e);
                }
                g.writeEndArray();
            } else {
                g.writeStringField("kind", "digest");
                g.writeStringField("sha256", ((Msg.Digest) msg).sha256());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The kept state: the catalog, and what this node's configurations were at its start and by its changes. */
    static byte[] state(State state) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = WRITE.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeArrayFieldStart("entries");
            for (Entry e : state.entries()) {
                entry(g, e);
            }
            g.writeEndArray();
            contents(g, "baselines", state.baselines());
            contents(g, "locals", state.locals());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void contents(JsonGenerator g, String name, Map<String, SortedMap<String, Value>> contents)
            throws IOException {
        g.writeObjectFieldStart(name);
        for (var b : new TreeMap<>(contents).entrySet()) {
            g.writeFieldName(b.getKey());
            if (b.getValue() == null) {
                g.writeNull();
            } else {
                props(g, b.getValue());
            }
        }
        g.writeEndObject();
    }

    /** The canonical text of properties: equal properties, equal text. */
    static String props(SortedMap<String, Value> props) {
        final StringWriter out = new StringWriter();
        try (JsonGenerator g = WRITE.createGenerator(out)) {
            props(g, props);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static void entry(JsonGenerator g, Entry e) throws IOException {
        g.writeStartObject();
        g.writeStringField("pid", e.pid());
        g.writeNumberField("generation", e.generation());
        g.writeStringField("origin", e.origin());
        g.writeBooleanField("deleted", e.deleted());
        g.writeFieldName("props");
        props(g, e.props());
        g.writeEndObject();
    }

    static void props(JsonGenerator g, SortedMap<String, Value> props) throws IOException {
        g.writeStartObject();
        for (var p : props.entrySet()) {
            g.writeFieldName(p.getKey());
            value(g, p.getValue());
        }
        g.writeEndObject();
    }

    static void value(JsonGenerator g, Value v) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", v.kind().wire);
        g.writeFieldName("value");
        if (v.kind().array()) {
            g.writeStartArray();
            for (Object o : (List<?>) v.value()) {
                scalar(g, o);
            }
            g.writeEndArray();
        } else {
            scalar(g, v.value());
        }
        g.writeEndObject();
    }

    private static void scalar(JsonGenerator g, Object o) throws IOException {
        if (o instanceof String s) {
            g.writeString(s);
        } else if (o instanceof Long l) {
            g.writeNumber(l);
        } else if (o instanceof Integer i) {
            g.writeNumber(i);
        } else if (o instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeNumber((Double) o);
        }
    }

    /** Bytes of properties encoded, as {@code max.entry.bytes} counts them. */
    static int size(SortedMap<String, Value> props) {
        return props(props).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    // ================================================================ reading

    static Msg decode(byte[] bytes, Limits limits) {
        try (JsonParser p = parser(bytes, limits)) {
            expect(p, JsonToken.START_OBJECT);
            version(p);
            field(p, "kind");
            final String kind = string(p);
            final Msg msg;
            if ("catalog".equals(kind)) {
                field(p, "whole");
                final boolean whole = bool(p);
                field(p, "entries");
                msg = new Msg.Catalog(whole, entries(p, limits));
            } else if ("digest".equals(kind)) {
                field(p, "sha256");
                final String sha = string(p);
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("a digest is 64 lower-case hex digits");
                }
                msg = new Msg.Digest(sha);
            } else {
                throw new IllegalArgumentException("unknown message kind '" + kind + "'");
            }
            end(p);
            return msg;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * What a node keeps across restarts.
     *
     * @param entries   the catalog
     * @param baselines what each shared PID held when the node last started (null: absent)
     * @param locals    what each shared PID held after the last change made on the node (null: deleted)
     */
    record State(List<Entry> entries, Map<String, SortedMap<String, Value>> baselines,
                 Map<String, SortedMap<String, Value>> locals) {
    }

    static State readState(byte[] bytes, Limits limits) {
        try (JsonParser p = parser(bytes, limits)) {
            expect(p, JsonToken.START_OBJECT);
            version(p);
            field(p, "entries");
            final List<Entry> entries = entries(p, limits);
            final Map<String, SortedMap<String, Value>> baselines = contents(p, "baselines", limits);
            final Map<String, SortedMap<String, Value>> locals = contents(p, "locals", limits);
            end(p);
            return new State(entries, baselines, locals);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static Map<String, SortedMap<String, Value>> contents(JsonParser p, String name, Limits limits)
            throws IOException {
        field(p, name);
        expect(p, JsonToken.START_OBJECT);
        final Map<String, SortedMap<String, Value>> out = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (out.size() >= limits.maxPids()) {
                throw new IllegalArgumentException("more than " + limits.maxPids() + " " + name);
            }
            final String pid = p.currentName();
            Entry.name("pid", pid);
            out.put(pid, p.nextToken() == JsonToken.VALUE_NULL ? null : props(p, limits));
        }
        return out;
    }

    private static IllegalArgumentException malformed(IOException e) {
        final String m = e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return new IllegalArgumentException("malformed JSON: " + m, e);
    }

    private static JsonParser parser(byte[] bytes, Limits limits) throws IOException {
        if (bytes.length > limits.maxDocument()) {
            throw new IllegalArgumentException(bytes.length + " bytes is above the limit " + limits.maxDocument());
        }
        final JsonFactory f = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(32)
                        .maxStringLength(limits.maxEntryBytes()).maxNameLength(Entry.MAX_NAME * 4)
                        .maxDocumentLength(limits.maxDocument()).build())
                .build();
        return f.createParser(bytes);
    }

    private static void version(JsonParser p) throws IOException {
        field(p, "v");
        expect(p, JsonToken.VALUE_NUMBER_INT);
        if (p.getIntValue() != VERSION) {
            throw new IllegalArgumentException("unknown protocol version " + p.getText());
        }
    }

    private static List<Entry> entries(JsonParser p, Limits limits) throws IOException {
        expect(p, JsonToken.START_ARRAY);
        final List<Entry> out = new ArrayList<>();
        final Set<String> pids = new HashSet<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            if (out.size() >= limits.maxPids()) {
                throw new IllegalArgumentException("more than " + limits.maxPids() + " entries");
            }
            field(p, "pid");
            final String pid = string(p);
            field(p, "generation");
            expect(p, JsonToken.VALUE_NUMBER_INT);
            final long generation = p.getLongValue();
            field(p, "origin");
            final String origin = string(p);
            field(p, "deleted");
            final boolean deleted = bool(p);
            field(p, "props");
            p.nextToken();
            final SortedMap<String, Value> props = props(p, limits);
            expect(p, JsonToken.END_OBJECT);
            if (!pids.add(pid)) {
                throw new IllegalArgumentException(pid + " twice");
            }
            out.add(new Entry(pid, generation, origin, deleted, props));
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new IllegalArgumentException("expected an entry, found " + p.currentToken());
        }
        return out;
    }

    /** Properties, the parser at their START_OBJECT. */
    private static SortedMap<String, Value> props(JsonParser p, Limits limits) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("expected properties, found " + p.currentToken());
        }
        final SortedMap<String, Value> props = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String key = p.currentName();
            expect(p, JsonToken.START_OBJECT);
            field(p, "type");
            final Value.Kind kind = Value.Kind.of(string(p));
            field(p, "value");
            final Object v;
            if (kind.array()) {
                expect(p, JsonToken.START_ARRAY);
                final List<Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (items.size() >= Value.MAX_ITEMS) {
                        throw new IllegalArgumentException(key + ": more than " + Value.MAX_ITEMS + " items");
                    }
                    items.add(scalar(p, kind));
                }
                v = items;
            } else {
                p.nextToken();
                v = scalar(p, kind);
            }
            expect(p, JsonToken.END_OBJECT);
            props.put(key, new Value(kind, v));
        }
        final int size = size(props);
        if (size > limits.maxEntryBytes()) {
            throw new IllegalArgumentException("properties of " + size + " bytes are above max.entry.bytes "
                    + limits.maxEntryBytes());
        }
        return props;
    }

    /** One item of {@code kind}, the parser at its token. */
    private static Object scalar(JsonParser p, Value.Kind kind) throws IOException {
        final JsonToken t = p.currentToken();
        final Class<?> item = kind.item;
        if (item == String.class && t == JsonToken.VALUE_STRING) {
            return p.getText();
        } else if (item == Long.class && t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        } else if (item == Integer.class && t == JsonToken.VALUE_NUMBER_INT) {
            return p.getIntValue();
        } else if (item == Boolean.class && (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE)) {
            return t == JsonToken.VALUE_TRUE;
        } else if (item == Double.class && (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT)) {
            return p.getDoubleValue();
        }
        throw new IllegalArgumentException("a " + kind.wire + " value cannot be " + t);
    }

    private static void field(JsonParser p, String name) throws IOException {
        if (p.nextToken() != JsonToken.FIELD_NAME || !name.equals(p.currentName())) {
            throw new IllegalArgumentException("expected field '" + name + "', found "
                    + (p.currentToken() == JsonToken.FIELD_NAME ? "'" + p.currentName() + "'" : p.currentToken()));
        }
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        final JsonToken t = p.nextToken();
        if (t != token) {
            throw new IllegalArgumentException("expected " + token + ", found " + t);
        }
    }

    private static String string(JsonParser p) throws IOException {
        expect(p, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static boolean bool(JsonParser p) throws IOException {
        final JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new IllegalArgumentException("expected true or false, found " + t);
        }
        return t == JsonToken.VALUE_TRUE;
    }

    /** The end of the document's object, and nothing after it. */
    private static void end(JsonParser p) throws IOException {
        expect(p, JsonToken.END_OBJECT);
        if (p.nextToken() != null) {
            throw new IllegalArgumentException("content after the document");
        }
    }
}
