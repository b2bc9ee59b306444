package org.swarmosgi.shell.internal;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployment.NodeState;

/**
 * Formats {@code swarm:deployments}: each bundle (name, version, hash, size, generation, where the
 * last change was made), then one line per node with its state, and what it is at when it is behind;
 * errors wrapped under their node. Pure; every line fits {@value Text#WIDTH} columns.
 */
final class DeploymentReport {

    /** Hex digits of a hash shown. */
    static final int SHA_DIGITS = 12;
    /** Lines an error is wrapped to, at most. */
    static final int ERROR_LINES = 6;
    private static final int NODE_WIDTH = 28;
    private static final String ERROR_INDENT = "      ";

    private DeploymentReport() {
    }

    static String deployments(List<Deployment> deployments, List<String> errors) {
        final StringBuilder out = new StringBuilder();
        if (deployments.isEmpty()) {
            line(out, "no bundles deployed");
        }
        int live = 0;
        for (Deployment d : deployments) {
            if (d.deployed()) {
                live++;
                line(out, Text.printable(d.symbolicName()) + " " + d.version());
                line(out, "  sha " + sha(d.sha256()) + "  " + d.size() + " B  gen " + d.generation() + "  from "
                        + Text.printable(d.origin()));
            } else {
                line(out, Text.printable(d.symbolicName()) + " (undeployed, gen " + d.generation() + ", was "
                        + d.version() + ")");
            }
            for (NodeState n : d.nodes()) {
                final boolean behind = n.generation() != d.generation();
                String row = "  " + Text.column(Text.printable(n.node()), NODE_WIDTH) + " " + Text.column(n.state().name(), 10);
                if (behind) {
                    row += " at gen " + n.generation() + ": " + n.version() + " " + sha(n.sha256());
                }
                line(out, row);
                if (!n.error().isEmpty()) {
                    wrap(out, Text.printable(n.error()));
                }
            }
        }
        if (!deployments.isEmpty()) {
            line(out, live + " deployed, " + (deployments.size() - live) + " undeployed");
        }
        if (!errors.isEmpty()) {
            line(out, "recent errors on this node:");
            for (String e : errors) {
                wrap(out, Text.printable(e));
            }
        }
        out.setLength(out.length() - 1); // Gogo ends the printed result with its own newline
        return out.toString();
    }

    /** {@link #deployments} as a document: {@code deployments} (each with its {@code nodes}) and {@code recentErrors}. */
    static ObjectNode deploymentsJson(List<Deployment> deployments, List<String> errors) {
        final ObjectNode out = Json.object();
        final ArrayNode a = out.putArray("deployments");
        deployments.forEach(d -> a.add(json(d)));
        out.set("recentErrors", Json.strings(errors));
        return out;
    }

    /** One deployment: name, version, sha256 (whole), size, generation, deployed, origin, and each node's state. */
    static ObjectNode json(Deployment d) {
        final ObjectNode o = Json.object().put("symbolicName", d.symbolicName()).put("version", d.version())
                .put("sha256", d.sha256()).put("size", d.size()).put("generation", d.generation())
                .put("deployed", d.deployed()).put("origin", d.origin());
        final ArrayNode nodes = o.putArray("nodes");
        for (NodeState n : d.nodes()) {
            nodes.addObject().put("node", n.node()).put("generation", n.generation()).put("version", n.version())
                    .put("sha256", n.sha256()).put("state", n.state().name()).put("error", n.error());
        }
        return o;
    }

    static String sha(String sha256) {
        return sha256.length() <= SHA_DIGITS ? sha256 : sha256.substring(0, SHA_DIGITS);
    }

    /** {@code text} in lines of the width after an indent, at most {@value #ERROR_LINES} of them. */
    private static void wrap(StringBuilder out, String text) {
        final int width = Text.WIDTH - ERROR_INDENT.length();
        String rest = text.strip();
        for (int i = 0; i < ERROR_LINES && !rest.isEmpty(); i++) {
            if (rest.length() <= width) {
                line(out, ERROR_INDENT + rest);
                return;
            }
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= width / 2) {
                cut = width;
            }
            if (i == ERROR_LINES - 1) {
                line(out, ERROR_INDENT + rest); // the last line is cut with "..."
                return;
            }
            line(out, ERROR_INDENT + rest.substring(0, cut));
            rest = rest.substring(cut).strip();
        }
    }

    private static void line(StringBuilder out, String line) {
        out.append(Text.fit(line.stripTrailing(), Text.WIDTH)).append('\n');
    }
}
