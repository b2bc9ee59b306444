package org.swarmosgi.shell.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.host.WorkerTypeStatus;

/** The text of {@code swarm:workers}: one row per worker type, then each type's last problem. Pure. */
final class WorkersReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private WorkersReport() {
    }

    /** {@link #format} as a document: {@code types}, each with every counter and its last problem (null when none). */
    static ObjectNode json(List<WorkerTypeStatus> types) {
        final ObjectNode out = Json.object();
        final ArrayNode a = out.putArray("types");
        for (WorkerTypeStatus t : types) {
            a.addObject().put("type", t.type()).put("offered", t.offered()).put("running", t.running())
                    .put("moving", t.moving()).put("started", t.started()).put("crashed", t.crashed())
                    .put("failedMessages", t.failedMessages()).put("handoffTimeouts", t.handoffTimeouts())
                    .put("lastError", t.lastError())
                    .put("lastErrorAt", t.lastErrorAt() == null ? null : t.lastErrorAt().toString());
        }
        return out;
    }

    static String format(List<WorkerTypeStatus> types) {
        if (types.isEmpty()) {
            return "no worker types on this node";
        }
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%-24s %-7s %7s %6s %8s %7s %6s %6s%n",
            "TYPE", "OFFERED", "RUNNING", "MOVING", "STARTED", "CRASHED", "FAILED", "LATE"));
        for (WorkerTypeStatus t : types) {
            out.append(String.format("%s %-7s %7d %6d %8d %7d %6d %6d%n", Text.column(Text.printable(t.type()), 24),
                t.offered() ? "yes" : "no", t.running(), t.moving(), t.started(), t.crashed(), t.failedMessages(),
                t.handoffTimeouts()));
        }
        boolean header = false;
        for (WorkerTypeStatus t : types) {
            if (t.lastError() != null) {
                if (!header) {
                    out.append("last problem (UTC):").append(System.lineSeparator());
                    header = true;
                }
                final Instant at = t.lastErrorAt();
                out.append(Text.fit("  " + Text.printable(t.type()) + " " + (at == null ? "" : TIME.format(at) + " ")
                    + Text.printable(t.lastError()), Text.WIDTH)).append(System.lineSeparator());
            }
        }
        out.append("FAILED: messages that threw or did not decode; LATE: handoffs past their timeout");
        return out.toString();
    }
}
