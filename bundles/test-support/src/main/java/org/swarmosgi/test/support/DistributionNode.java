package org.swarmosgi.test.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node started from the built distribution's {@code bin/swarm --non-interactive} (see
 * {@link DistributionCluster}): its Gogo shell (gogo.shell, prompt {@code g! }) reads commands on
 * stdin and answers on stdout; its log is on stderr. Each command is followed by
 * {@code echo <marker>}, so the answer is exactly what the node printed before the marker.
 */
public final class DistributionNode {

    private static final AtomicLong MARKERS = new AtomicLong();
    /** Unique to this JVM run, so that no marker can be mistaken for another run's output. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private final String name;
    private final ChildProcess process;

    DistributionNode(String name, ChildProcess process) {
        this.name = name;
        this.process = process;
    }

    public String name() {
        return name;
    }

    /** The node's process: send raw stdin text, terminate, kill, pause, await its exit, describe it. */
    public ChildProcess process() {
        return process;
    }

    /**
     * Runs one shell command and returns what it printed, prompts removed. Waits at most
     * {@code timeout} for the node to start (the first command) and answer. Anything else the node
     * printed on stdout meanwhile (a bundle's println) is part of the answer: match with contains.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when no answer came in time
     */
    public String execute(String command, Duration timeout) {
        return executeAll(List.of(command), timeout).get(0);
    }

    /**
     * Runs many commands in one write (as fast as the shell reads them) and returns their answers,
     * one per command in order, each as {@link #execute} returns it. Waits at most {@code timeout}
     * for the last answer. One conversation at a time: callers on several threads take turns, a batch each.
     */
    public synchronized List<String> executeAll(List<String> commands, Duration timeout) {
        final List<String> markers = new ArrayList<>(commands.size());
        final StringBuilder script = new StringBuilder();
        for (String command : commands) {
            if (command.contains("\n")) {
                throw new IllegalArgumentException("one command line at a time: " + command);
            }
            final String marker = "--marker-" + RUN + "-" + MARKERS.incrementAndGet() + "--";
            markers.add(marker);
            script.append(command).append("\necho ").append(marker).append('\n');
        }
        final int from = process.lineCount();
        process.send(script.toString());
        final String last = markers.get(markers.size() - 1);
        final int end = process.awaitIndex(from, line -> line.endsWith(last), timeout);
        final List<String> lines = process.lines().subList(from, end + 1);
        final List<String> answers = new ArrayList<>(commands.size());
        final StringBuilder answer = new StringBuilder();
        int next = 0;
        for (String line : lines) {
            if (next < markers.size() && line.endsWith(markers.get(next))) {
                answer.append(line, 0, line.length() - markers.get(next).length());
                answers.add(answer.toString().replaceAll("(?m)^(g! )+", "").strip());
                answer.setLength(0);
                next++;
            } else {
                answer.append(line).append('\n');
            }
        }
        if (answers.size() != commands.size()) {
            throw new IllegalStateException(answers.size() + " answers to " + commands.size() + " commands: "
                    + process.describe());
        }
        return answers;
    }

    /** Writes the node's shell output and log to {@code <dir>/<name>.log}: see {@link DistributionCluster#close()}. */
    void writeLog(java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve(name.replaceAll("[^A-Za-z0-9-]", "_") + ".log"),
            String.join("\n", process.lines()) + "\n--- log:\n" + String.join("\n", process.errorLines()));
    }

    /**
     * Waits until the ring of each of {@code nodes} holds exactly {@code nodes.size()} members and its
     * {@code swarm:status} contains every one of {@code alsoShown} (e.g. {@code "running, ready"}, or
     * the nodes' names), each node asked in turn for at most {@code atMost}.
     */
    public static void awaitRing(List<DistributionNode> nodes, Duration atMost, String... alsoShown) {
        final String ring = "Ring: " + nodes.size() + (nodes.size() == 1 ? " member," : " members,");
        for (DistributionNode node : nodes) {
            await("ring of " + nodes.size() + " on " + node.name() + " showing "
                    + List.of(alsoShown)).atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    final String status = node.execute("swarm:status", atMost);
                    return status.contains(ring) && List.of(alsoShown).stream().allMatch(status::contains);
                });
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
