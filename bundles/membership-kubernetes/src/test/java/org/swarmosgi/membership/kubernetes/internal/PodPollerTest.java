package org.swarmosgi.membership.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.swarmosgi.membership.kubernetes.internal.PodsApiServer.TestPod;

/** The poller against a real HTTPS pods API: what becomes a target, and what a failed poll does. */
class PodPollerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private ApiFixture api;
    private LogCapture log;
    private final List<List<PodTarget>> updates = new CopyOnWriteArrayList<>();
    private PodPoller poller;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir);
        log = new LogCapture();
    }

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
        log.close();
        api.close();
    }

    private void poll(Map<String, ?> config) {
        poller = new PodPoller(api.settings(config), updates::add);
        poller.start();
    }

    private List<String> lastNodeNames() {
        return updates.isEmpty() ? List.of()
                : updates.get(updates.size() - 1).stream().map(PodTarget::nodeName).toList();
    }

    /** Waits until the server has answered {@code n} more polls. */
    private void awaitPolls(int n) {
        final int target = api.server.requestCount() + n;
        await().atMost(WAIT).until(() -> api.server.requestCount() >= target);
    }

    @Test
    void onlyRunningReadyPodsWithAnIpBecomeTargetsNamedAfterTheirIp() {
        api.server.pods(
                TestPod.running("swarm-0", "10.244.1.7"),
                new TestPod("swarm-1", "swarm", Map.of("app", "swarm"), "Running", false, "10.244.2.9"),
                new TestPod("swarm-2", "swarm", Map.of("app", "swarm"), "Pending", false, ""),
                new TestPod("swarm-3", "swarm", Map.of("app", "swarm"), "Failed", false, "10.244.1.8"),
                TestPod.running("swarm-4", "fd00:10:244::5"));

        poll(Map.of("kubernetes_node_basename", "myapp"));

        await().atMost(WAIT).until(() -> !updates.isEmpty());
        assertThat(updates.get(0)).extracting(PodTarget::podName, PodTarget::nodeName).containsExactly(
                org.assertj.core.groups.Tuple.tuple("swarm-0", "myapp@10.244.1.7"),
                org.assertj.core.groups.Tuple.tuple("swarm-4", "myapp@fd00:10:244::5"));
        assertThat(log.containing("added [myapp@10.244.1.7 (pod swarm-0), myapp@fd00:10:244::5 (pod swarm-4)]"))
                .hasSize(1);
    }

    @Test
    void aPodGoneFromASuccessfulPollIsNoLongerATarget() {
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"), TestPod.running("swarm-1", "10.244.1.8"));
        poll(Map.of());
        await().atMost(WAIT).until(() -> lastNodeNames().size() == 2);

        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"));

        await().atMost(WAIT).until(() -> lastNodeNames().equals(List.of("swarm@10.244.1.7")));
        assertThat(log.containing("removed [swarm@10.244.1.8 (pod swarm-1)]")).hasSize(1);
    }

    @Test
    void failedPollsChangeNothingAndEachProblemIsLoggedOnceInARow() {
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"), TestPod.running("swarm-1", "10.244.1.8"));
        poll(Map.of("request_timeout_ms", 300));
        await().atMost(WAIT).until(() -> lastNodeNames().size() == 2);
        final List<PodTarget> before = updates.get(updates.size() - 1);
        // Lines from here on only: the first TLS handshake on a loaded machine may have timed out on its own.
        final int linesBefore = log.lines().size();

        api.server.answer(500, PodsApiServer.status(500, "InternalError", "etcdserver: leader changed"));
        awaitPolls(3); // by now no answer before the switch can still be in flight
        final int updatesDuringTrouble = updates.size();
        awaitPolls(3);
        api.server.normal();
        api.server.token("token-2");  // the API server no longer takes the file's token: 401
        awaitPolls(4);
        api.server.answer(200, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":");
        awaitPolls(4);
        api.server.stall();
        awaitPolls(3);

        assertThat(updates).hasSize(updatesDuringTrouble);
        assertThat(updates.get(updates.size() - 1)).isEqualTo(before);
        final List<LogCapture.Line> trouble = log.lines().subList(linesBefore, log.lines().size());
        assertThat(trouble).filteredOn(l -> l.message().contains("answered 500")).hasSize(1)
                .allSatisfy(l -> assertThat(l.level()).isEqualTo(Level.WARNING));
        assertThat(trouble).filteredOn(l -> l.message().contains("answered 401")).hasSize(1)
                .allSatisfy(l -> assertThat(l.level()).isEqualTo(Level.SEVERE));
        assertThat(trouble).filteredOn(l -> l.message().contains("not a PodList")).hasSize(1);
        assertThat(trouble).filteredOn(l -> l.message().contains("no answer from")).hasSize(1);
        assertThat(trouble).filteredOn(l -> l.message().contains("members kept")).hasSize(4);

        api.server.normal();
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"));
        api.server.token("token-1");

        await().atMost(WAIT).until(() -> lastNodeNames().equals(List.of("swarm@10.244.1.7")));
        assertThat(log.containing("answers again")).hasSize(1)
                .allSatisfy(l -> assertThat(l.level()).isEqualTo(Level.INFO));
    }

    @Test
    void aRotatedTokenFileIsPickedUpByTheNextPoll() throws Exception {
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"));
        poll(Map.of());
        await().atMost(WAIT).until(() -> !updates.isEmpty());

        final int linesBefore = log.lines().size();
        api.server.token("token-2");
        awaitPolls(2);
        api.writeToken("token-2");

        final int seen = updates.size();
        await().atMost(WAIT).until(() -> updates.size() > seen);
        assertThat(api.server.requests().get(api.server.requestCount() - 1).authorization())
                .isEqualTo("Bearer token-2");
        // Only lines since the rotation: a slow first poll on a loaded machine may have had its own.
        final List<LogCapture.Line> since = log.lines().subList(linesBefore, log.lines().size());
        assertThat(since).filteredOn(l -> l.message().contains("answered 401")).hasSize(1);
        assertThat(since).filteredOn(l -> l.message().contains("answers again")).hasSize(1);
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> Character.isISOControl(c));
    }

    @Test
    void aServerThatSendsHeadersThenStallsTheBodyCannotFreezeDiscovery() {
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"));
        api.server.stallBody();
        poll(Map.of("request_timeout_ms", 500));
        // Polls go on, each bounded as a whole: the stalled ones are given up, not waited on forever.
        awaitPolls(3);
        await().atMost(WAIT).until(() -> !log.containing("did not finish within request_timeout_ms 500").isEmpty());
        api.server.normal();
        await().atMost(WAIT).until(() -> lastNodeNames().equals(List.of("swarm@10.244.1.7")));
    }

    @Test
    void aTokenWithControlCharactersNeverReachesTheLog() throws Exception {
        api.writeToken("eyJhbGciOi.secret-part\r\nX-Injected: 1\u001b[2J");
        poll(Map.of());
        await().atMost(WAIT).until(() -> !log.containing("token_path").isEmpty());
        assertThat(log.lines()).noneMatch(l -> l.message().contains("secret-part") || l.message().contains("X-Injected")
                || hasControlCharacter(l.message()));
        assertThat(log.containing("token_path").get(0).message()).contains("not a usable bearer token");
    }

    @Test
    void theApiServersErrorTextIsSanitizedAndCappedBeforeItIsLogged() {
        // Valid JSON whose message decodes to CR, LF and an ANSI escape: a forged line, a recoloured terminal.
        api.server.answer(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                + "\"etcd\\r\\nFORGED LOG LINE\\u001b[31m " + "x".repeat(100_000) + "\",\"code\":500}");
        poll(Map.of());
        await().atMost(WAIT).until(() -> !log.containing("answered 500").isEmpty());
        final String line = log.containing("answered 500").get(0).message();
        assertThat(line).contains("FORGED LOG LINE").doesNotContain("xxxxxxxxxx".repeat(100));
        assertThat(hasControlCharacter(line)).as(line).isFalse();
        assertThat(line.length()).isLessThan(2_000);
    }

    @Test
    void anErrorThrownByTheConsumerDoesNotStopPolling() {
        api.server.pods(TestPod.running("swarm-0", "10.244.1.7"));
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        poller = new PodPoller(api.settings(Map.of()), targets -> {
            if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("consumer bug");
            }
            updates.add(targets);
        });
        poller.start();
        await().atMost(WAIT).until(() -> !updates.isEmpty());
        assertThat(calls.get()).isGreaterThan(1);
        assertThat(poller.errors()).isEqualTo(1);
        assertThat(log.containing("handling a poll failed (1 error(s) so far)")).hasSize(1);
    }
}
