package org.swarmosgi.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.WorkerRef;

/**
 * Formats the text of the registry commands ({@code swarm:registered} tables, errors). Pure: values
 * in, text out; every line fits {@value Text#WIDTH} columns, except error lines, which stay whole
 * (up to {@value #MAX_ERROR} characters) so that no part of the cause is lost.
 */
final class RegistryReport {

    /** Names per page of {@code swarm:registered}. */
    static final int PAGE_SIZE = 50;

    /** The longest error line. */
    static final int MAX_ERROR = 400;

    /** The name column never gets narrower than this, however long the refs. */
    private static final int MIN_NAME_WIDTH = 20;

    private RegistryReport() {
    }

    /**
     * One page of the names matching {@code glob}, sorted, each with its worker, then a total line.
     *
     * @param registered every registered name and its worker (a replica's snapshot)
     * @param page       1-based
     * @throws IllegalArgumentException when {@code page} is past the last page
     */
    static String registered(Map<String, WorkerRef> registered, Glob glob, int page) {
        final TreeMap<String, WorkerRef> matching = new TreeMap<>();
        for (Map.Entry<String, WorkerRef> e : registered.entrySet()) {
            if (glob.matches(e.getKey())) {
                matching.put(e.getKey(), e.getValue());
            }
        }
        if (matching.isEmpty()) {
            return Text.fit(glob.isAll() ? "no names registered"
                    : "no names match '" + Text.printable(glob.pattern()) + "' (" + count(registered.size())
                    + " registered)", Text.WIDTH);
        }
        final int pages = (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE;
        if (page > pages) {
            throw new IllegalArgumentException("page " + page + " is past the last page, " + pages + " ("
                    + count(matching.size()) + ", " + PAGE_SIZE + " a page)");
        }
        final List<Map.Entry<String, WorkerRef>> rows = new ArrayList<>(matching.entrySet())
                .subList((page - 1) * PAGE_SIZE, Math.min(page * PAGE_SIZE, matching.size()));

        int nameWidth = "NAME".length();
        int refWidth = "WORKER".length();
        for (Map.Entry<String, WorkerRef> row : rows) {
            nameWidth = Math.max(nameWidth, row.getKey().length());
            refWidth = Math.max(refWidth, row.getValue().toString().length());
        }
        // "  NAME  WORKER": the refs keep their width when they can, long names are cut.
        nameWidth = Math.min(nameWidth, Math.max(MIN_NAME_WIDTH, Text.WIDTH - 4 - refWidth));

        final StringBuilder out = new StringBuilder(64 * (rows.size() + 2));
        line(out, "  " + Text.column("NAME", nameWidth) + "  WORKER");
        for (Map.Entry<String, WorkerRef> row : rows) {
            line(out, "  " + Text.column(Text.printable(row.getKey()), nameWidth) + "  " + row.getValue());
        }
        String total = glob.isAll() ? count(matching.size())
                : matching.size() + " of " + count(registered.size()) + " match '" + Text.printable(glob.pattern()) + "'";
        if (pages > 1) {
            total += "; page " + page + " of " + pages + (page < pages ? ", next: --page " + (page + 1) : "");
        }
        line(out, total);
        out.setLength(out.length() - 1); // Gogo ends the printed result with its own newline
        return out.toString();
    }

    /**
     * {@link #registered} as a document: the same page, {@code names} of {name, worker}, and
     * {@code matching}, {@code total}, {@code page}, {@code pages}, {@code pageSize} ({@code glob} when given).
     *
     * @throws IllegalArgumentException when {@code page} is past the last page (page 1 of nothing is fine)
     */
    static ObjectNode registeredJson(Map<String, WorkerRef> registered, Glob glob, int page) {
        final TreeMap<String, WorkerRef> matching = new TreeMap<>();
        for (Map.Entry<String, WorkerRef> e : registered.entrySet()) {
            if (glob.matches(e.getKey())) {
                matching.put(e.getKey(), e.getValue());
            }
        }
        final int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        if (page > pages) {
            throw new IllegalArgumentException("page " + page + " is past the last page, " + pages + " ("
                    + count(matching.size()) + ", " + PAGE_SIZE + " a page)");
        }
        final ArrayNode names = Json.array();
        new ArrayList<>(matching.entrySet())
                .subList((page - 1) * PAGE_SIZE, Math.min(page * PAGE_SIZE, matching.size()))
                .forEach(e -> names.addObject().put("name", e.getKey()).set("worker", Json.ref(e.getValue())));
        final ObjectNode out = Json.object();
        if (!glob.isAll()) {
            out.put("glob", glob.pattern());
        }
        out.set("names", names);
        return out.put("matching", matching.size()).put("total", registered.size()).put("page", page)
                .put("pages", pages).put("pageSize", PAGE_SIZE);
    }

    /** {@code swarm:rebalance}: this node's moves under way (name, worker, where to, how far), then the totals. */
    static String moves(Rebalance pass) {
        final StringBuilder out = new StringBuilder();
        if (!pass.moving().isEmpty()) {
            line(out, "  " + Text.column("NAME", 24) + "  " + Text.column("WORKER", 22) + "  " + Text.column("TO", 14)
                    + "  STEP");
            for (Rebalance.Move m : pass.moving()) {
                line(out, "  " + Text.column(Text.printable(m.name()), 24) + "  " + Text.column(m.worker().toString(), 22)
                        + "  " + Text.column(Text.printable(m.to().name()), 14) + "  "
                        + (m.handedOff() ? "starting" : "beginHandoff"));
            }
        }
        out.append(pass.moving().isEmpty() && pass.queued() == 0
                ? "no worker of this node is moving or waiting to move: each runs on its placement"
                : pass.moving().size() + " moving, " + pass.queued() + " queued on this node");
        return out.toString();
    }

    /** {@link #moves} as a document: {@code moving} (name, worker, to, handedOff) and {@code queued}. */
    static ObjectNode movesJson(Rebalance pass) {
        final ObjectNode out = Json.object();
        final ArrayNode a = out.putArray("moving");
        for (Rebalance.Move m : pass.moving()) {
            final ObjectNode o = a.addObject().put("name", m.name());
            o.set("worker", Json.ref(m.worker()));
            o.set("to", Json.node(m.to()));
            o.put("handedOff", m.handedOff());
        }
        return out.put("queued", pass.queued());
    }

    /** {@code cannot <action>: <error type>: <message>}, on one line. */
    static String failure(String action, Throwable error) {
        return cut("cannot " + action + ": " + describe(error));
    }

    /** {@code cannot <action>: <reason>}, for arguments refused before the registry was asked. */
    static String refused(String action, String reason) {
        return cut("cannot " + action + ": " + Text.printable(reason));
    }

    /** The error's type and message, from the real cause under completion wrappers; one line. */
    static String describe(Throwable error) {
        final Throwable cause = unwrap(error);
        final String message = cause.getMessage();
        return cause.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + Text.printable(message.strip()));
    }

    /** Strips {@link CompletionException} and {@link ExecutionException} layers that carry a cause. */
    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String cut(String line) {
        return line.length() <= MAX_ERROR ? line : Text.fit(line, MAX_ERROR);
    }

    static String count(int names) {
        return names + (names == 1 ? " name" : " names");
    }

    private static void line(StringBuilder out, String line) {
        out.append(Text.fit(line.stripTrailing(), Text.WIDTH)).append('\n');
    }
}
