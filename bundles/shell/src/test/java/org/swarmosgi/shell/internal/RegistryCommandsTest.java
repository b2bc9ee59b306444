package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeUnavailableException;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.WorkerFailedException;

/** The registry commands against a fake registry: directly, and through a real Gogo command processor. */
class RegistryCommandsTest {

    private final FakeRegistry registry = new FakeRegistry();
    private final RegistryCommands commands = new RegistryCommands(registry);
    private ThreadIOImpl threadIO;

    @AfterEach
    void stopGogo() {
        if (threadIO != null) {
            threadIO.stop();
        }
    }

    @Test
    void registerPrintsTheRefOrTheExistingOne() {
        assertThat(commands.register("visits", "counter", "10")).isEqualTo("registered visits: <alpha#1a2b.1>");
        assertThat(registry.asked).containsExactly("register visits counter [10] 5000");

        assertThat(commands.register("visits", "counter")).isEqualTo("visits is already registered: <alpha#1a2b.1>");
        assertThat(commands.register("clicks", "countr"))
                .isEqualTo("cannot register clicks: UnknownWorkerTypeException: no node offers worker type 'countr'");
    }

    @Test
    void badArgumentsAreRefusedBeforeTheRegistryIsAsked() {
        assertThat(commands.register("", "counter")).isEqualTo("cannot register: name must not be empty");
        assertThat(commands.register("a\u0007", "counter"))
                .isEqualTo("cannot register: name must not contain control characters: U+0007 at position 2 of 'a?'");
        assertThat(commands.register("ok", "")).isEqualTo("cannot register: worker type must not be empty");
        assertThat(commands.whereis("x".repeat(1025))).isEqualTo("cannot look up: name is 1025 bytes in UTF-8, more than 1024");
        assertThat(commands.call("", "inc")).isEqualTo("cannot call: name must not be empty");
        assertThat(commands.call("visits", "inc", "soon")).startsWith("cannot call: timeoutMs must be a whole number");
        assertThat(commands.send("a\nb", "inc")).startsWith("cannot send: name must not contain control characters");
        assertThat(commands.unregister("")).isEqualTo("cannot unregister: name must not be empty");
        assertThat(commands.registered("0")).isEqualTo("cannot list names: --page must be a whole number from 1, was '0'");
        assertThat(commands.registered("1", "")).startsWith("cannot list names: glob must not be empty");
        assertThat(registry.asked).isEmpty();
    }

    @Test
    void whereisReadsTheLocalReplica() {
        commands.register("visits", "counter");

        assertThat(commands.whereis("visits")).isEqualTo("<alpha#1a2b.1>");
        assertThat(commands.whereis("nobody")).isEqualTo("nobody: not registered");
    }

    @Test
    void registeredListsMatchingNamesAPageAtATime() {
        for (int i = 1; i <= 60; i++) {
            commands.register(String.format("counter-%02d", i), "counter");
        }
        commands.register("other", "counter");

        assertThat(commands.registered("1")).endsWith("\n61 names; page 1 of 2, next: --page 2");
        assertThat(commands.registered("2", "counter-*")).endsWith("\n60 of 61 names match 'counter-*'; page 2 of 2");
        assertThat(commands.registered("1", "o*")).isEqualTo("  NAME   WORKER\n  other  <alpha#1a2b.61>\n1 of 61 names match 'o*'");
        assertThat(commands.registered("3")).isEqualTo("cannot list names: page 3 is past the last page, 2 (61 names, 50 a page)");
    }

    @Test
    void callPrintsTheReplyOrTheErrorTypeAndMessage() {
        registry.onCall = (name, message) -> message.equals("x")
                ? CompletableFuture.failedFuture(new WorkerFailedException("unknown command 'x': try inc, inc <n>, get, reset"))
                : CompletableFuture.completedFuture("11");

        assertThat(commands.call("visits", "inc")).isEqualTo("11");
        assertThat(commands.call("visits", "inc 5", "250")).isEqualTo("11");
        assertThat(registry.asked).containsExactly("call visits inc 5000", "call visits inc 5 250");
        assertThat(commands.call("visits", "x"))
                .isEqualTo("cannot call visits: WorkerFailedException: unknown command 'x': try inc, inc <n>, get, reset");
    }

    @Test
    void errorsThrownAtOnceOrWrappedAreOneLine() {
        registry.onCall = (name, message) -> { throw new IllegalArgumentException("name refused by the registry"); };
        assertThat(commands.call("visits", "inc")).isEqualTo("cannot call visits: IllegalArgumentException: name refused by the registry");

        registry.stage = CompletableFuture.supplyAsync(() -> {
            throw new NodeUnavailableException("owner beta#b is down");
        });
        assertThat(commands.send("visits", "inc")).isEqualTo("cannot send to visits: NodeUnavailableException: owner beta#b is down");

        registry.stage = CompletableFuture.failedFuture(new SwarmTimeoutException("no reply from visits in 250 ms"));
        assertThat(commands.call("visits", "inc", "250")).isEqualTo("cannot call visits: SwarmTimeoutException: no reply from visits in 250 ms");
    }

    @Test
    void aRegistryThatNeverAnswersIsWaitedForBoundedly() {
        registry.stage = new CompletableFuture<>(); // never completes

        final long start = System.nanoTime();
        assertThat(commands.call("visits", "inc", "100")).isEqualTo("cannot call visits: no answer from the registry within 1100 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void sendAndUnregister() {
        commands.register("visits", "counter");

        assertThat(commands.send("visits", "inc 5")).isEqualTo("sent to visits");
        assertThat(commands.send("nobody", "inc"))
                .isEqualTo("cannot send to nobody: NotRegisteredException: name 'nobody' is not registered");
        assertThat(commands.unregister("visits")).isEqualTo("unregistered visits");
        assertThat(commands.unregister("visits"))
                .isEqualTo("cannot unregister visits: NotRegisteredException: name 'visits' is not registered");
        assertThat(registry.asked).contains("send visits inc 5", "unregister visits 5000");
    }

    @Test
    void drainWaitsForTheHandoffs() {
        assertThat(commands.drain()).startsWith("drained: every worker that can move was handed off");
        assertThat(commands.drain("2000")).startsWith("drained");
        assertThat(commands.drain("soon")).startsWith("cannot drain: timeoutMs must be a whole number");
        assertThat(registry.asked).contains("drain 60000", "drain 2000");
        assertThat(new RegistryCommands(null).drain())
                .isEqualTo("cannot drain this node: the registry is not running (bundle org.swarmosgi.registry)");
    }

    @Test
    void withoutARegistryEveryCommandSaysSo() {
        final RegistryCommands none = new RegistryCommands(null);
        final String notRunning = "the registry is not running (bundle org.swarmosgi.registry)";

        assertThat(none.register("visits", "counter")).isEqualTo("cannot register visits: " + notRunning);
        assertThat(none.whereis("visits")).isEqualTo("cannot look up visits: " + notRunning);
        assertThat(none.registered("1")).isEqualTo("cannot list names: " + notRunning);
        assertThat(none.call("visits", "inc")).isEqualTo("cannot call visits: " + notRunning);
        assertThat(none.send("visits", "inc")).isEqualTo("cannot send to visits: " + notRunning);
        assertThat(none.unregister("visits")).isEqualTo("cannot unregister visits: " + notRunning);
    }

    @Test
    void longNamesAreCutInMessages() {
        final String name = "n".repeat(300);
        assertThat(commands.register(name, "counter")).isEqualTo("registered " + "n".repeat(37) + "...: <alpha#1a2b.1>");
    }

    // ---------------------------------------------------------------- through Gogo

    @Test
    void gogoFindsEachFunctionWithItsOptionalArguments() throws Exception {
        assertThat(gogo("swarm:register visits counter 10")).isEqualTo("registered visits: <alpha#1a2b.1>");
        assertThat(gogo("swarm:register clicks counter")).isEqualTo("registered clicks: <alpha#1a2b.2>");
        assertThat(gogo("swarm:whereis visits")).isEqualTo("<alpha#1a2b.1>");
        assertThat(gogo("swarm:call visits \"inc 5\"")).isEqualTo("echo inc 5");
        assertThat(gogo("swarm:call visits inc 300")).isEqualTo("echo inc");
        assertThat(registry.asked).contains("call visits inc 5 5000", "call visits inc 300");
        assertThat(gogo("swarm:send visits reset")).isEqualTo("sent to visits");
        assertThat(gogo("swarm:registered")).endsWith("\n2 names");
        assertThat(gogo("swarm:registered 'v*'")).endsWith("\n1 of 2 names match 'v*'");
        assertThat(gogo("swarm:registered --page 1 'c*'")).endsWith("\n1 of 2 names match 'c*'");
        assertThat(gogo("swarm:registered 'c*' --page 1")).endsWith("\n1 of 2 names match 'c*'");
        assertThat(gogo("swarm:registered -p 2")).startsWith("cannot list names: page 2 is past the last page, 1");
        assertThat(gogo("swarm:registered --page x")).startsWith("cannot list names: --page must be a whole number");
        assertThat(gogo("swarm:unregister visits")).isEqualTo("unregistered visits");
    }

    private String gogo(String line) throws Exception {
        if (threadIO == null) {
            threadIO = new ThreadIOImpl();
            threadIO.start();
        }
        final CommandProcessorImpl processor = new CommandProcessorImpl(threadIO);
        for (String function : new String[] {"register", "whereis", "registered", "call", "send", "unregister",
            "drain"}) {
            processor.addCommand("swarm", commands, function);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return (String) session.execute(line);
        }
    }
}
