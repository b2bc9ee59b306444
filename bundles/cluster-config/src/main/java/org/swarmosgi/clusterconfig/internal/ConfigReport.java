package org.swarmosgi.clusterconfig.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** The text of {@code swarm:config}: lines that fit 80 columns, or one JSON document. Pure. */
final class ConfigReport {
    static final int WIDTH = 80;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ConfigReport() {
    }

    static String list(ClusterConfigComponent.View v, String only, boolean json) {
        final List<Entry> entries = v.entries().stream().filter(e -> only == null || e.pid().equals(only)).toList();
        if (json) {
            return json(g -> {
                g.writeStartObject();
                g.writeStringField("node", v.node());
                g.writeArrayFieldStart("peers");
                for (String p : v.peers()) {
                    g.writeString(p);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("entries");
                for (Entry e : entries) {
                    entry(g, e, v.applied().get(e.pid()), v.policy().shares(e.pid()));
                }
                g.writeEndArray();
                g.writeObjectFieldStart("counts");
                g.writeNumberField("localChanges", v.counts().localChanges());
                g.writeNumberField("remoteApplied", v.counts().remoteApplied());
                g.writeNumberField("ownWritesSeen", v.counts().ownWrites());
                g.writeNumberField("refusedLocal", v.counts().refusedLocal());
                g.writeNumberField("refusedRemote", v.counts().refusedRemote());
                g.writeEndObject();
                g.writeArrayFieldStart("errors");
                for (String e : v.errors()) {
                    g.writeString(e);
                }
                g.writeEndArray();
                g.writeEndObject();
            });
        }
        final StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            final String state = !v.policy().shares(e.pid()) ? "not shared here"
                    : Boolean.TRUE.equals(v.applied().get(e.pid())) ? "applied" : "differs here";
            line(out, e.pid() + (e.deleted() ? " (deleted)" : "") + "  gen " + e.generation() + " by " + e.origin()
                    + "  " + state);
            e.props().forEach((k, val) -> line(out, "  " + k + " = " + val.text() + " (" + val.kind().wire + ")"));
        }
        if (only != null && entries.isEmpty()) {
            line(out, only + ": no cluster configuration");
        }
        final var c = v.counts();
        line(out, v.entries().size() + " PIDs; " + v.peers().size() + " peers; changes made here " + c.localChanges()
                + ", applied from peers " + c.remoteApplied());
        if (c.refusedLocal() + c.refusedRemote() > 0) {
            line(out, "refused: " + c.refusedLocal() + " local configurations, " + c.refusedRemote() + " messages");
        }
        for (String e : v.errors()) {
            wrapped(out, "! " + e);
        }
        return out.toString().stripTrailing();
    }

    static String changed(Entry e, boolean json) {
        if (json) {
            return json(g -> entry(g, e, true, true));
        }
        final StringBuilder out = new StringBuilder();
        line(out, (e.deleted() ? "deleted " + e.pid() : "set " + e.pid() + " " + e.props().size() + " keys")
                + ": gen " + e.generation() + " by " + e.origin());
        line(out, "every node applies it, see swarm:config list");
        return out.toString().stripTrailing();
    }

    static String error(String action, String message, boolean json) {
        final String text = "cannot " + printable(String.valueOf(action)) + ": " + printable(String.valueOf(message));
        if (json) {
            return json(g -> {
                g.writeStartObject();
                g.writeStringField("error", text);
                g.writeEndObject();
            });
        }
        return text; // kept whole: no part of the cause is lost
    }

    private static void entry(JsonGenerator g, Entry e, Boolean applied, boolean shared) throws IOException {
        g.writeStartObject();
        g.writeStringField("pid", e.pid());
        g.writeNumberField("generation", e.generation());
        g.writeStringField("origin", e.origin());
        g.writeBooleanField("deleted", e.deleted());
        g.writeBooleanField("shared", shared);
        g.writeBooleanField("applied", Boolean.TRUE.equals(applied));
        g.writeFieldName("props");
        Json.props(g, e.props());
        g.writeEndObject();
    }

    private static void line(StringBuilder out, String text) {
        String t = printable(text);
        if (t.length() > WIDTH) {
            int end = WIDTH - 3;
            if (Character.isHighSurrogate(t.charAt(end - 1))) {
                end--;
            }
            t = t.substring(0, end) + "...";
        }
        out.append(t).append('\n');
    }

    /** {@code text} on lines of at most 80 columns, broken at spaces, the next ones indented by two. */
    private static void wrapped(StringBuilder out, String text) {
        String rest = printable(text);
        while (rest.length() > WIDTH) {
            int cut = rest.lastIndexOf(' ', WIDTH);
            if (cut <= 2) {
                cut = WIDTH; // one long word: cut it
            }
            out.append(rest, 0, cut).append('\n');
            rest = "  " + rest.substring(rest.charAt(cut) == ' ' ? cut + 1 : cut);
        }
        out.append(rest).append('\n');
    }

    /** One line: control characters shown as '?'. */
    static String printable(String text) {
        final StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(Character.isISOControl(c) ? '?' : (char) c));
        return out.toString();
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Writer w) {
        final StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
