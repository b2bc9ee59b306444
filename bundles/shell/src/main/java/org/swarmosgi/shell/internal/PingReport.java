package org.swarmosgi.shell.internal;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.Member;

/** Formats the text of {@code swarm:ping}. Pure: values in, text out. */
final class PingReport {

    /** One member's answer: a round-trip time, or why there was none. */
    record Result(Member member, long nanos, String error) {
        static Result ok(Member member, long nanos) {
            return new Result(member, nanos, null);
        }

        static Result failed(Member member, Throwable error) {
            final String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
            return new Result(member, -1, text);
        }
    }

    private PingReport() {
    }

    /**
     * {@link #format} as a document: {@code self} and {@code members}, each with node, incarnation,
     * endpoint, {@code ok}, {@code rttMs} or {@code error}; then {@code answered} and {@code total}.
     */
    static ObjectNode json(Member self, List<Result> results) {
        final ObjectNode out = Json.object();
        out.set("self", Json.member(self));
        final ArrayNode a = out.putArray("members");
        int ok = 0;
        for (Result r : results) {
            final ObjectNode o = a.addObject();
            o.setAll(Json.member(r.member()));
            o.put("ok", r.error() == null);
            if (r.error() == null) {
                ok++;
                o.put("rttMs", r.nanos() / 1e6);
            } else {
                o.put("error", r.error());
            }
        }
        return out.put("answered", ok).put("total", results.size());
    }

    static String format(Member self, List<Result> results) {
        if (results.isEmpty()) {
            return Text.fit("no other member to ping (this node: " + self + ")", Text.WIDTH);
        }
        int width = 0;
        for (Result r : results) {
            width = Math.max(width, r.member().id().name().length());
        }
        width = Math.min(width, 24); // long names are cut: the result must stay on the line
        final StringBuilder out = new StringBuilder();
        int ok = 0;
        for (Result r : results) {
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %-21s  ",
                    Text.fit(Text.printable(r.member().id().name()), width), r.member().endpoint()));
            if (r.error() == null) {
                ok++;
                line.append(String.format(Locale.ROOT, "ok  %.3f ms", r.nanos() / 1e6));
            } else {
                line.append("FAILED  ").append(Text.printable(r.error()));
            }
            out.append(Text.fit(line.toString(), Text.WIDTH)).append('\n');
        }
        out.append(ok).append(" of ").append(results.size()).append(results.size() == 1 ? " member" : " members")
                .append(" answered");
        return out.toString();
    }
}
