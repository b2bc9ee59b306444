package org.swarmosgi.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.swarmosgi.api.WorkerRef;

/**
 * The text and documents of the group commands ({@code swarm:groups}, {@code members},
 * {@code multicall}). Pure: values in, text out; every line fits {@value Text#WIDTH} columns.
 */
final class GroupReport {

    private static final int NAME_WIDTH = 40;

    /** A member of a group: its worker and the name it is registered under ("-" when the replica lost it). */
    record Member(String name, WorkerRef worker) {
    }

    /** What one member answered a multicall; {@code json} is its name in documents. */
    enum Outcome {
        OK("ok"), LATE("late"), FAILED("failed"), NO_REPLY("noReply");

        final String json;

        Outcome(String json) {
            this.json = json;
        }
    }

    /**
     * One member's answer.
     *
     * @param nanos  how long it took, or -1 when no reply came
     * @param detail the reply (OK, LATE) or the error (FAILED, NO_REPLY)
     */
    record Answer(Member member, Outcome outcome, long nanos, String detail) {
    }

    private GroupReport() {
    }

    /** {@code swarm:groups}: every group with its member count, sorted. */
    static String groups(Map<String, Integer> groups) {
        if (groups.isEmpty()) {
            return "no groups (a group exists while it has members: swarm:register, then join from a worker)";
        }
        final StringBuilder out = new StringBuilder();
        line(out, "  " + Text.column("GROUP", NAME_WIDTH) + "  MEMBERS");
        int members = 0;
        for (Map.Entry<String, Integer> g : sorted(groups)) {
            line(out, "  " + Text.column(Text.printable(g.getKey()), NAME_WIDTH) + "  " + String.format(Locale.ROOT, "%7d", g.getValue()));
            members += g.getValue();
        }
        out.append(groups.size()).append(groups.size() == 1 ? " group, " : " groups, ")
                .append(members).append(members == 1 ? " membership" : " memberships");
        return out.toString();
    }

    static ObjectNode groupsJson(Map<String, Integer> groups) {
        final ArrayNode a = Json.array();
        for (Map.Entry<String, Integer> g : sorted(groups)) {
            a.addObject().put("group", g.getKey()).put("members", g.getValue());
        }
        final ObjectNode out = Json.object();
        out.set("groups", a);
        return out;
    }

    /** {@code swarm:members}: the group's members by name, each with its worker. */
    static String members(String group, List<Member> members) {
        if (members.isEmpty()) {
            return Text.fit("no members in group '" + Text.printable(group) + "'", Text.WIDTH);
        }
        final List<Member> rows = byName(members);
        final StringBuilder out = new StringBuilder();
        line(out, "  " + Text.column("NAME", NAME_WIDTH) + "  WORKER");
        for (Member m : rows) {
            line(out, "  " + Text.column(Text.printable(m.name()), NAME_WIDTH) + "  " + m.worker());
        }
        out.append(Text.fit(members.size() + (members.size() == 1 ? " member" : " members") + " in group '"
                + Text.printable(group) + "'", Text.WIDTH));
        return out.toString();
    }

    static ObjectNode membersJson(String group, List<Member> members) {
        final ArrayNode a = Json.array();
        for (Member m : byName(members)) {
            a.addObject().put("name", m.name()).set("worker", Json.ref(m.worker()));
        }
        final ObjectNode out = Json.object().put("group", group);
        out.set("members", a);
        return out;
    }

    /** {@code swarm:multicall}: one line per member (its reply, or why none), then the counts. */
    static String multicall(String group, List<Answer> answers, long timeoutMs) {
        if (answers.isEmpty()) {
            return Text.fit("no members in group '" + Text.printable(group) + "': nobody called", Text.WIDTH);
        }
        // Names and refs as wide as they are (names at most 24), so the answers get the rest of the line.
        int nameWidth = "NAME".length();
        int refWidth = "WORKER".length();
        for (Answer a : answers) {
            nameWidth = Math.max(nameWidth, Math.min(24, a.member().name().length()));
            refWidth = Math.max(refWidth, String.valueOf(a.member().worker()).length());
        }
        final StringBuilder out = new StringBuilder();
        line(out, "  " + Text.column("NAME", nameWidth) + "  " + Text.column("WORKER", refWidth) + "  ANSWER");
        for (Answer a : byMember(answers)) {
            final String answer = switch (a.outcome()) {
                case OK -> ms(a.nanos()) + "  " + a.detail();
                case LATE -> "LATE " + ms(a.nanos()) + "  " + a.detail();
                case FAILED -> "FAILED " + a.detail();
                case NO_REPLY -> "NO REPLY " + a.detail();
            };
            line(out, "  " + Text.column(Text.printable(a.member().name()), nameWidth) + "  "
                    + Text.column(String.valueOf(a.member().worker()), refWidth) + "  " + Text.printable(answer));
        }
        final int[] n = counts(answers);
        out.append(Text.fit(n[0] + " of " + answers.size() + " replied within " + timeoutMs + " ms, " + n[1] + " late, "
                + n[2] + " failed, " + n[3] + " no reply", Text.WIDTH));
        return out.toString();
    }

    static ObjectNode multicallJson(String group, List<Answer> answers, long timeoutMs) {
        final ArrayNode a = Json.array();
        for (Answer x : byMember(answers)) {
            final ObjectNode o = a.addObject().put("name", x.member().name());
            o.set("worker", Json.ref(x.member().worker()));
            o.put("outcome", x.outcome().json);
            if (x.nanos() >= 0) {
                o.put("elapsedMs", x.nanos() / 1e6);
            }
            o.put(x.outcome() == Outcome.OK || x.outcome() == Outcome.LATE ? "reply" : "error", x.detail());
        }
        final int[] n = counts(answers);
        final ObjectNode out = Json.object().put("group", group).put("timeoutMs", timeoutMs);
        out.set("answers", a);
        return out.put("replied", n[0]).put("late", n[1]).put("failed", n[2]).put("noReply", n[3]);
    }

    private static int[] counts(List<Answer> answers) {
        final int[] n = new int[4];
        answers.forEach(a -> n[a.outcome().ordinal()]++);
        return n;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> groups) {
        final List<Map.Entry<String, Integer>> list = new ArrayList<>(groups.entrySet());
        list.sort(Map.Entry.comparingByKey());
        return list;
    }

    private static final Comparator<Member> BY_NAME =
            Comparator.comparing(Member::name).thenComparing(m -> m.worker().toString());

    private static List<Member> byName(List<Member> members) {
        final List<Member> list = new ArrayList<>(members);
        list.sort(BY_NAME);
        return list;
    }

    private static List<Answer> byMember(List<Answer> answers) {
        final List<Answer> list = new ArrayList<>(answers);
        list.sort(Comparator.comparing(Answer::member, BY_NAME));
        return list;
    }

    private static void line(StringBuilder out, String line) {
        out.append(Text.fit(line.stripTrailing(), Text.WIDTH)).append('\n');
    }
}
