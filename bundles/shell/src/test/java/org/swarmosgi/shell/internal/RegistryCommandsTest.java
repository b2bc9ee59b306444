package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeUnavailableException;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;

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
        assertThat(commands.register(false, "visits", "counter", "10")).isEqualTo("registered visits: <alpha#1a2b.1>");
        assertThat(registry.asked).containsExactly("register visits counter [10] 5000");

        assertThat(commands.register(false, "visits", "counter")).isEqualTo("visits is already registered: <alpha#1a2b.1>");
        assertThat(commands.register(false, "clicks", "countr"))
                .isEqualTo("cannot register clicks: UnknownWorkerTypeException: no node offers worker type 'countr'");
    }

    @Test
    void badArgumentsAreRefusedBeforeTheRegistryIsAsked() {
        assertThat(commands.register(false, "", "counter")).isEqualTo("cannot register: name must not be empty");
        assertThat(commands.register(false, "a\u0007", "counter"))
                .isEqualTo("cannot register: name must not contain control characters: U+0007 at position 2 of 'a?'");
        assertThat(commands.register(false, "ok", "")).isEqualTo("cannot register: worker type must not be empty");
        assertThat(commands.whereis(false, "x".repeat(1025))).isEqualTo("cannot look up: name is 1025 bytes in UTF-8, more than 1024");
        assertThat(commands.call(false, "", "inc")).isEqualTo("cannot call: name must not be empty");
        assertThat(commands.call(false, "visits", "inc", "soon")).startsWith("cannot call: timeoutMs must be a whole number");
        assertThat(commands.send(false, "a\nb", "inc")).startsWith("cannot send: name must not contain control characters");
        assertThat(commands.unregister(false, "")).isEqualTo("cannot unregister: name must not be empty");
        assertThat(commands.registered(false, "0")).isEqualTo("cannot list names: --page must be a whole number from 1, was '0'");
        assertThat(commands.registered(false, "1", "")).startsWith("cannot list names: glob must not be empty");
        assertThat(registry.asked).isEmpty();
    }

    @Test
    void whereisReadsTheLocalReplica() {
        commands.register(false, "visits", "counter");

        assertThat(commands.whereis(false, "visits")).isEqualTo("<alpha#1a2b.1>");
        assertThat(commands.whereis(false, "nobody")).isEqualTo("nobody: not registered");
    }

    @Test
    void registeredListsMatchingNamesAPageAtATime() {
        for (int i = 1; i <= 60; i++) {
            commands.register(false, String.format("counter-%02d", i), "counter");
        }
        commands.register(false, "other", "counter");

        assertThat(commands.registered(false, "1")).endsWith("\n61 names; page 1 of 2, next: --page 2");
        assertThat(commands.registered(false, "2", "counter-*")).endsWith("\n60 of 61 names match 'counter-*'; page 2 of 2");
        assertThat(commands.registered(false, "1", "o*")).isEqualTo("  NAME   WORKER\n  other  <alpha#1a2b.61>\n1 of 61 names match 'o*'");
        assertThat(commands.registered(false, "3")).isEqualTo("cannot list names: page 3 is past the last page, 2 (61 names, 50 a page)");
    }

    @Test
    void callPrintsTheReplyOrTheErrorTypeAndMessage() {
        registry.onCall = (name, message) -> message.equals("x")
                ? CompletableFuture.failedFuture(new WorkerFailedException("unknown command 'x': try inc, inc <n>, get, reset"))
                : CompletableFuture.completedFuture("11");

        assertThat(commands.call(false, "visits", "inc")).isEqualTo("11");
        assertThat(commands.call(false, "visits", "inc 5", "250")).isEqualTo("11");
        assertThat(registry.asked).containsExactly("call visits inc 5000", "call visits inc 5 250");
        assertThat(commands.call(false, "visits", "x"))
                .isEqualTo("cannot call visits: WorkerFailedException: unknown command 'x': try inc, inc <n>, get, reset");
    }

    @Test
    void errorsThrownAtOnceOrWrappedAreOneLine() {
        registry.onCall = (name, message) -> { throw new IllegalArgumentException("name refused by the registry"); };
        assertThat(commands.call(false, "visits", "inc")).isEqualTo("cannot call visits: IllegalArgumentException: name refused by the registry");

        registry.stage = CompletableFuture.supplyAsync(() -> {
            throw new NodeUnavailableException("owner beta#b is down");
        });
        assertThat(commands.send(false, "visits", "inc")).isEqualTo("cannot send to visits: NodeUnavailableException: owner beta#b is down");

        registry.stage = CompletableFuture.failedFuture(new SwarmTimeoutException("no reply from visits in 250 ms"));
        assertThat(commands.call(false, "visits", "inc", "250")).isEqualTo("cannot call visits: SwarmTimeoutException: no reply from visits in 250 ms");
    }

    @Test
    void aRegistryThatNeverAnswersIsWaitedForBoundedly() {
        registry.stage = new CompletableFuture<>(); // never completes

        final long start = System.nanoTime();
        assertThat(commands.call(false, "visits", "inc", "100")).isEqualTo("cannot call visits: no answer from the registry within 1100 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void sendAndUnregister() {
        commands.register(false, "visits", "counter");

        assertThat(commands.send(false, "visits", "inc 5")).isEqualTo("sent to visits");
        assertThat(commands.send(false, "nobody", "inc"))
                .isEqualTo("cannot send to nobody: NotRegisteredException: name 'nobody' is not registered");
        assertThat(commands.unregister(false, "visits")).isEqualTo("unregistered visits");
        assertThat(commands.unregister(false, "visits"))
                .isEqualTo("cannot unregister visits: NotRegisteredException: name 'visits' is not registered");
        assertThat(registry.asked).contains("send visits inc 5", "unregister visits 5000");
    }

    @Test
    void drainWaitsForTheHandoffs() {
        assertThat(commands.drain(false)).startsWith("drained: every worker that can move was handed off");
        assertThat(commands.drain(false, "2000")).startsWith("drained");
        assertThat(commands.drain(false, "soon")).startsWith("cannot drain: timeoutMs must be a whole number");
        assertThat(registry.asked).contains("drain 60000", "drain 2000");
        assertThat(new RegistryCommands(null).drain(false))
                .isEqualTo("cannot drain this node: the registry is not running (bundle org.swarmosgi.registry)");
    }

    @Test
    void withoutARegistryEveryCommandSaysSo() {
        final RegistryCommands none = new RegistryCommands(null);
        final String notRunning = "the registry is not running (bundle org.swarmosgi.registry)";

        assertThat(none.register(false, "visits", "counter")).isEqualTo("cannot register visits: " + notRunning);
        assertThat(none.whereis(false, "visits")).isEqualTo("cannot look up visits: " + notRunning);
        assertThat(none.registered(false, "1")).isEqualTo("cannot list names: " + notRunning);
        assertThat(none.call(false, "visits", "inc")).isEqualTo("cannot call visits: " + notRunning);
        assertThat(none.send(false, "visits", "inc")).isEqualTo("cannot send to visits: " + notRunning);
        assertThat(none.unregister(false, "visits")).isEqualTo("cannot unregister visits: " + notRunning);
    }

    @Test
    void longNamesAreCutInMessages() {
        final String name = "n".repeat(300);
        assertThat(commands.register(false, name, "counter")).isEqualTo("registered " + "n".repeat(37) + "...: <alpha#1a2b.1>");
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

    @Test
    void everyFunctionPrintsOneJsonDocumentWithJson() throws Exception {
        JsonNode doc = json(gogo("swarm:register --json visits counter 10"));
        assertThat(doc.get("name").asText()).isEqualTo("visits");
        assertThat(doc.get("worker").get("ref").asText()).isEqualTo("<alpha#1a2b.1>");
        assertThat(doc.get("worker").get("incarnation").asText()).isEqualTo("1a2b");
        assertThat(doc.get("worker").get("id").asLong()).isEqualTo(1);
        doc = json(gogo("swarm:register -j visits counter"));
        assertThat(doc.get("error").asText()).isEqualTo("visits is already registered: <alpha#1a2b.1>");
        assertThat(doc.get("existing").get("node").asText()).isEqualTo("alpha");
        assertThat(json(gogo("swarm:register clicks countr --json")).get("error").asText())
                .startsWith("cannot register clicks: UnknownWorkerTypeException");

        assertThat(json(gogo("swarm:whereis --json visits")).get("worker").get("ref").asText()).isEqualTo("<alpha#1a2b.1>");
        assertThat(json(gogo("swarm:whereis --json nobody")).get("worker").isNull()).isTrue();
        doc = json(gogo("swarm:registered --json 'v*'"));
        assertThat(doc.get("names").get(0).get("name").asText()).isEqualTo("visits");
        assertThat(doc.get("matching").asInt()).isEqualTo(1);
        assertThat(doc.get("glob").asText()).isEqualTo("v*");
        assertThat(json(gogo("swarm:registered --json --page 2")).get("error").asText())
                .isEqualTo("cannot list names: page 2 is past the last page, 1 (1 name, 50 a page)");
        assertThat(json(gogo("swarm:call --json visits \"inc 5\" 300")).get("reply").asText()).isEqualTo("echo inc 5");
        assertThat(json(gogo("swarm:call --json visits inc soon")).get("error").asText())
                .startsWith("cannot call: timeoutMs must be a whole number");
        assertThat(json(gogo("swarm:send --json visits inc")).get("sent").asBoolean()).isTrue();
        assertThat(json(gogo("swarm:handoff --json visits")).get("moved").asBoolean()).isFalse();
        assertThat(json(gogo("swarm:rebalance --json")).get("queued").asInt()).isZero();
        assertThat(json(gogo("swarm:drain --json 2000")).get("drained").asBoolean()).isTrue();
        assertThat(json(gogo("swarm:unregister --json visits")).get("unregistered").asBoolean()).isTrue();
        assertThat(json(gogo("swarm:unregister --json visits")).get("error").asText())
                .isEqualTo("cannot unregister visits: NotRegisteredException: name 'visits' is not registered");
    }

    @Test
    void handoffMovesAWorkerOffItsPlacementOrSaysItIsThere() throws Exception {
        commands.register(false, "visits", "counter");
        commands.register(false, "clicks", "counter");
        registry.misplaced.add("clicks");

        assertThat(gogo("swarm:handoff visits")).isEqualTo("visits runs on its placement already: <alpha#1a2b.1>");
        assertThat(gogo("swarm:handoff clicks 2000")).isEqualTo("handed off clicks: <alpha#1a2b.2> -> <alpha#1a2b.3>");
        final JsonNode doc = json(gogo("swarm:handoff -j clicks"));
        assertThat(doc.get("moved").asBoolean()).isFalse();
        assertThat(doc.get("from").get("id").asLong()).isEqualTo(3);
        assertThat(registry.asked).contains("handoff visits 30000", "handoff clicks 2000");
        assertThat(gogo("swarm:handoff nobody"))
                .isEqualTo("cannot hand off nobody: NotRegisteredException: 'nobody' is not registered");
        assertThat(gogo("swarm:handoff visits 0")).startsWith("cannot hand off: timeoutMs must be a whole number");
        assertThat(new RegistryCommands(null).handoff(false, "visits"))
                .isEqualTo("cannot hand off visits: the registry is not running (bundle org.swarmosgi.registry)");
    }

    @Test
    void rebalanceShowsTheMovesOfThisNode() throws Exception {
        assertThat(gogo("swarm:rebalance"))
                .isEqualTo("no worker of this node is moving or waiting to move: each runs on its placement");
        final NodeId beta = new NodeId("beta", 0xbL);
        registry.rebalance = new Rebalance(List.of(
                new Rebalance.Move("clicks", new WorkerRef(FakeRegistry.NODE, 2), beta, false),
                new Rebalance.Move("visits-" + "x".repeat(60), new WorkerRef(FakeRegistry.NODE, 1), beta, true)), 7);
        final String text = gogo("swarm:rebalance");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        assertThat(text).isEqualTo(String.join("\n",
                "  NAME                      WORKER                  TO              STEP",
                "  clicks                    <alpha#1a2b.2>          beta            beginHandoff",
                "  visits-xxxxxxxxxxxxxx...  <alpha#1a2b.1>          beta            starting",
                "2 moving, 7 queued on this node"));
        final JsonNode doc = json(gogo("swarm:rebalance --json"));
        assertThat(doc.get("queued").asInt()).isEqualTo(7);
        assertThat(doc.get("moving").get(1).get("to").get("node").asText()).isEqualTo("beta");
        assertThat(doc.get("moving").get(1).get("handedOff").asBoolean()).isTrue();
    }

    @Test
    void groupCommandsThroughGogo() throws Exception {
        assertThat(gogo("swarm:groups")).startsWith("no groups");
        for (String name : List.of("a1", "a2", "a3", "b1")) {
            commands.register(false, name, "counter");
        }
        registry.groups.put("alarms", List.of("a1", "a2", "a3"));
        registry.groups.put("beacons", List.of("b1"));
        registry.groups.put("empty", List.of());

        assertThat(gogo("swarm:groups")).endsWith("\n2 groups, 4 memberships").contains("  alarms ", "  beacons ");
        assertThat(json(gogo("swarm:groups --json")).get("groups").get(0).get("members").asInt()).isEqualTo(3);
        assertThat(gogo("swarm:members alarms")).contains("  a2 ").endsWith("3 members in group 'alarms'");
        assertThat(json(gogo("swarm:members -j beacons")).get("members").get(0).get("name").asText()).isEqualTo("b1");
        assertThat(gogo("swarm:members empty")).isEqualTo("no members in group 'empty'");
        assertThat(gogo("swarm:members ''")).isEqualTo("cannot list members: group must not be empty");

        assertThat(gogo("swarm:publish alarms reset")).startsWith("published to 3 members of alarms");
        assertThat(registry.asked).contains("publish alarms reset");
        assertThat(json(gogo("swarm:publish --json beacons reset")).get("members").asInt()).isEqualTo(1);

        // a1 answers, a2 fails, a3 answers after the timeout (late), no member is lost from the table.
        registry.onRefCall = (ref, message) -> switch ((int) ref.id()) {
            case 2 -> CompletableFuture.failedFuture(new WorkerFailedException("no such command"));
            case 3 -> CompletableFuture.supplyAsync(() -> "slow",
                    CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
            default -> CompletableFuture.completedFuture("ok " + message);
        };
        final String text = gogo("swarm:multicall alarms get 100");
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        assertThat(text).contains("  a1 ", "ms  ok get", "FAILED WorkerFailedException: no such command", "LATE ")
                .endsWith("1 of 3 replied within 100 ms, 1 late, 1 failed, 0 no reply");
        final JsonNode doc = json(gogo("swarm:multicall --json alarms get 100"));
        assertThat(doc.get("answers").get(0).get("outcome").asText()).isEqualTo("ok");
        assertThat(doc.get("answers").get(1).get("outcome").asText()).isEqualTo("failed");
        assertThat(doc.get("answers").get(2).get("outcome").asText()).isEqualTo("late");
        assertThat(doc.get("answers").get(2).get("reply").asText()).isEqualTo("slow");
        assertThat(doc.get("late").asInt()).isEqualTo(1);
        assertThat(gogo("swarm:multicall empty get")).isEqualTo("no members in group 'empty': nobody called");
        assertThat(gogo("swarm:multicall alarms get x")).startsWith("cannot multicall: timeoutMs must be a whole number");
        assertThat(new GroupCommands(null).groups(false))
                .isEqualTo("cannot list groups: the registry is not running (bundle org.swarmosgi.registry)");
        assertThat(Json.MAPPER.readTree(new GroupCommands(null).multicall(true, "g", "m")).get("error").asText())
                .isEqualTo("cannot multicall g: the registry is not running (bundle org.swarmosgi.registry)");
    }

    @Test
    void aMemberThatNeverAnswersIsShownAsNoReply() throws Exception {
        commands.register(false, "a1", "counter");
        registry.groups.put("alarms", List.of("a1"));
        registry.onRefCall = (ref, message) -> CompletableFuture.failedFuture(
                new SwarmTimeoutException("no reply from " + ref + " in 1050 ms"));
        assertThat(gogo("swarm:multicall alarms get 50"))
                .contains("NO REPLY within 1050 ms").endsWith("0 of 1 replied within 50 ms, 0 late, 0 failed, 1 no reply");
    }

    private static JsonNode json(String text) throws Exception {
        assertThat(text).doesNotContain("\n");
        return Json.MAPPER.readTree(text);
    }

    private String gogo(String line) throws Exception {
        if (threadIO == null) {
            threadIO = new ThreadIOImpl();
            threadIO.start();
        }
        final CommandProcessorImpl processor = new CommandProcessorImpl(threadIO);
        for (String function : new String[] {"register", "whereis", "registered", "call", "send", "unregister",
            "drain", "handoff", "rebalance"}) {
            processor.addCommand("swarm", commands, function);
        }
        final GroupCommands groups = new GroupCommands(registry);
        for (String function : new String[] {"groups", "members", "publish", "multicall"}) {
            processor.addCommand("swarm", groups, function);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return (String) session.execute(line);
        }
    }
}
