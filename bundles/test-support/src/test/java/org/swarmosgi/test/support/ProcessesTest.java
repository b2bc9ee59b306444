package org.swarmosgi.test.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Pattern PORT = Pattern.compile("READY port=(\\d+)");

    private final Processes processes = new Processes();

    @AfterEach
    void close() {
        processes.close();
    }

    private ChildProcess echo(String name) {
        return processes.start(ChildJvm.of(EchoMain.class).name(name).quickStart().systemProperty("echo.prop", name));
    }

    @Test
    void aChildReportsThePortItBound_andAnswersWhatItIsAsked() {
        final ChildProcess child = echo("one");
        final int port = Integer.parseInt(child.awaitMatch(PORT, START).group(1));
        assertThat(port).isPositive();
        assertThat(child.lines().get(0)).isEqualTo("READY port=" + port + " prop=one");
        assertThat(child.ask("hello", l -> l.startsWith("ANSWER "), START)).isEqualTo("ANSWER hello");
        // The answer to the second question is the one printed after it, not the first one again.
        assertThat(child.ask("again", l -> l.startsWith("ANSWER "), START)).isEqualTo("ANSWER again");
        child.send("err on stderr\n");
        await().atMost(START).until(() -> child.errorLines().contains("on stderr"));
        assertThat(child.describe()).contains("child one (pid " + child.pid() + ", running)", "ANSWER again", "on stderr");
    }

    @Test
    void aWaitForALineThatNeverComesEndsAtItsTimeout_withTheChildDescribed() {
        final ChildProcess child = echo("quiet");
        child.awaitMatch(PORT, START);
        assertThatThrownBy(() -> child.awaitLine(l -> l.equals("never"), Duration.ofMillis(200)))
                .isInstanceOf(ConditionTimeoutException.class).hasMessageContaining("READY port=");
    }

    @Test
    void aWaitEndsAtOnceWhenTheChildExits() {
        final ChildProcess child = echo("leaving");
        child.awaitMatch(PORT, START);
        child.send("exit\n");
        assertThatThrownBy(() -> child.awaitLine(l -> l.equals("never"), START))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited 3");
    }

    @Test
    void aPausedChildAnswersOnlyOnceResumed() {
        final ChildProcess child = echo("sleeper");
        child.awaitMatch(PORT, START);
        child.pause();
        final int from = child.lineCount();
        child.send("while paused\n");
        // A stopped process runs nothing: no answer, however long one waits.
        assertThatThrownBy(() -> child.awaitLine(from, l -> l.startsWith("ANSWER "), Duration.ofMillis(500)))
                .isInstanceOf(ConditionTimeoutException.class);
        child.resume();
        assertThat(child.awaitLine(from, l -> l.startsWith("ANSWER "), START)).isEqualTo("ANSWER while paused");
    }

    @Test
    void terminateIsSigterm_killIsSigkill() {
        final ChildProcess terminated = echo("term");
        final ChildProcess killed = echo("kill");
        terminated.awaitMatch(PORT, START);
        killed.awaitMatch(PORT, START);
        terminated.terminate();
        killed.kill();
        assertThat(terminated.awaitExit(START)).isTrue();
        assertThat(terminated.exitValue()).isEqualTo(143);
        // Its shutdown hook ran, and what it printed while stopping is still collected.
        await().atMost(START).until(() -> terminated.errorLines().contains("HOOK"));
        assertThat(killed.alive()).isFalse();
        assertThat(killed.exitValue()).isEqualTo(137);
        assertThat(killed.errorLines()).doesNotContain("HOOK");
    }

    @Test
    void closeStopsEveryChild_politelyWhenTheyHaveAStopLine(@TempDir Path dir) throws Exception {
        final List<ChildProcess> children = new ArrayList<>();
        final Processes group = new Processes();
        try (group) {
            children.add(group.start(ChildJvm.of(EchoMain.class).name("polite").stopLine("exit")
                    .stderrLog(dir.resolve("logs/polite.log"))));
            children.add(group.start(ChildJvm.of(EchoMain.class).name("plain")));
            for (ChildProcess child : children) {
                child.awaitMatch(PORT, START);
            }
            children.get(0).send("err logged\n");
            await().atMost(START).until(() -> children.get(0).errorLines().contains("logged"));
        }
        assertThat(children).noneMatch(ChildProcess::alive);
        assertThat(children.get(0).exitValue()).isEqualTo(3); // its stop line, not a signal
        assertThat(children.get(1).exitValue()).isEqualTo(143); // SIGTERM
        assertThat(Files.readAllLines(dir.resolve("logs/polite.log"))).containsExactly("logged", "HOOK");
    }

    @Test
    void aHeldMulticastPortIsTakenUntilClose() {
        final int port = processes.holdMulticastPort("230.0.0.251");
        assertThat(port).isPositive();
        try (HeldPort other = HeldPort.multicast("230.0.0.251")) {
            assertThat(other.port()).isNotEqualTo(port);
        }
    }

    @Test
    void executeAllSendsEveryCommandAtOnce_andSplitsTheAnswersAtTheMarkers() {
        final DistributionNode node = new DistributionNode("shell", echo("shell"));
        node.process().awaitMatch(PORT, START);
        final List<String> commands = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            commands.add("register name-" + i);
        }
        final List<String> answers = node.executeAll(commands, START);
        assertThat(answers).hasSize(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(answers.get(i)).isEqualTo("ANSWER register name-" + i);
        }
        assertThat(node.execute("status", START)).isEqualTo("ANSWER status");
        assertThatThrownBy(() -> node.execute("two\nlines", START)).isInstanceOf(IllegalArgumentException.class);
    }
}
