package org.swarmosgi.transport.aeron.internal;

import java.time.Duration;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.test.support.ChildJvm;
import org.swarmosgi.test.support.ChildProcess;
import org.swarmosgi.test.support.Processes;

/**
 * A {@link PeerMain} in a child JVM on this test's class path, read through its protocol: the
 * READY line names its member (and membership port), commands are answered by one line each, or
 * by {@code ERROR ...}. The {@link Processes} that started it ends it ({@code exit}: it removes its
 * Aeron directory; killed if it has not exited within the grace period).
 */
final class PeerProcess {
    private static final Duration READY = Duration.ofSeconds(30);

    final String name;
    final Member member;
    final Endpoint endpoint;
    final String nodeId;
    /** The membership port, or 0 when the peer runs no membership. */
    final int membershipPort;
    private final ChildProcess process;

    private PeerProcess(String name, ChildProcess process) {
        this.name = name;
        this.process = process;
        final String[] ready = process.awaitLine(line -> line.startsWith("READY"), READY).split(" ");
        this.member = TestNodes.member(ready[1]);
        this.endpoint = member.endpoint();
        this.nodeId = member.id().toString();
        this.membershipPort = ready.length > 2 ? Integer.parseInt(ready[2]) : 0;
    }

    static PeerProcess start(Processes processes, String name, String cluster, String secret, int port) {
        return start(processes, name, cluster, secret, port, "");
    }

    /** {@code options}: "membership" runs a membership engine in the peer too. */
    static PeerProcess start(Processes processes, String name, String cluster, String secret, int port, String options) {
        return new PeerProcess(name, processes.start(ChildJvm.of(PeerMain.class).name(name)
                .aeron().jvmFlags("-Xmx512m").quickStart()
                .args(name, cluster, secret, Integer.toString(port), options)
                .stderrLog(TestNodes.NODES_DIR.resolve(name + ".log"))
                .stopLine("exit")));
    }

    /** Sends a command and returns the first answer line starting with {@code prefix}. */
    String command(String command, String prefix, int timeoutSeconds) {
        final String line = process.ask(command, l -> l.startsWith(prefix) || l.startsWith("ERROR"),
                Duration.ofSeconds(timeoutSeconds));
        if (line.startsWith("ERROR") && !prefix.equals("ERROR")) {
            throw new AssertionError(name + ": " + line);
        }
        return line;
    }

    /** SIGSTOP: a peer that is alive but does not read. */
    void pause() {
        process.pause();
    }

    /** SIGCONT. */
    void resume() {
        process.resume();
    }

    /** kill -9. */
    void kill() {
        process.kill();
    }
}
