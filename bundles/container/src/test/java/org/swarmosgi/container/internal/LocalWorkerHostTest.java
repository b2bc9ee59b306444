package org.swarmosgi.container.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.awaitility.Awaitility;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.MailboxFullException;
import org.swarmosgi.api.NoSuchWorkerException;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.Timer;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.Handoff;
import org.swarmosgi.api.host.StaleOrderException;
import org.swarmosgi.api.host.StartOrder;

class LocalWorkerHostTest {
    static final NodeId NODE = new NodeId("test-node", 7);

    private final List<LocalWorkerHost> hosts = new ArrayList<>();
    private final BlockingQueue<Probe> probes = new LinkedBlockingQueue<>();
    private LocalWorkerHost host;
    private RecordingDriver driver;

    @BeforeEach
    void setUp() {
        Awaitility.pollInSameThread();
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(2));
        host = newHost(2, 1000, 64);
        driver = new RecordingDriver();
        driver.registry = TestRegistry.routingTo(host);
        host.attach(driver);
        offer(host, "probe", TestType.strings(this::probe));
    }

    @AfterEach
    void tearDown() {
        hosts.forEach(LocalWorkerHost::close);
    }

    private LocalWorkerHost newHost(int threads, int capacity, int batch) {
        final LocalWorkerHost h = new LocalWorkerHost(NODE, Set.of(), new ContainerSettings(threads, capacity, batch));
        hosts.add(h);
        return h;
    }

    private Probe probe(WorkerContext<String> context) {
        final Probe p = new Probe(context);
        probes.add(p);
        return p;
    }

    private static void offer(LocalWorkerHost h, String name, WorkerType<?, ?> type) {
        assertThat(h.addType(type, Map.of(WorkerType.WORKER_TYPE, name, "service.id", 1L))).isTrue();
    }

    private WorkerRef start(String name) {
        return start(host, name, "probe", 1);
    }

    private static WorkerRef start(LocalWorkerHost h, String name, String type, long version) {
        return get(h.start(new StartOrder(name, type, new byte[0], null, StartReason.FIRST_START, version)));
    }

    private Probe nextProbe() throws InterruptedException {
        final Probe p = probes.poll(10, TimeUnit.SECONDS);
        assertThat(p).as("a probe was created").isNotNull();
        return p;
    }

    static <T> T get(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("stage failed: " + e, e);
        }
    }

    static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("stage did not fail");
    }

    private static void cast(LocalWorkerHost h, WorkerRef ref, String message) {
        h.deliver(ref, TestEnvelope.castLocal(message));
    }

    // ------------------------------------------------------------------------------------ mailbox

    @Test
    void handlesOneMessageAtATimeAndKeepsEachSendersOrder() throws Exception {
        offer(host, "big", TestType.strings(this::probe).capacity(100_000));
        final WorkerRef ref = start(host, "busy", "big", 1);
        final Probe probe = nextProbe();
        final int senders = 8;
        final int perSender = 2_000;
        final ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            for (int s = 0; s < senders; s++) {
                final int sender = s;
                pool.execute(() -> {
                    for (int i = 0; i < perSender; i++) {
                        cast(host, ref, sender + ":" + i);
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.handled.size() == senders * perSender);
        } finally {
            pool.shutdownNow();
        }
        assertThat(probe.maxInside.get()).as("handlers running at once").isEqualTo(1);
        for (int s = 0; s < senders; s++) {
            final String prefix = s + ":";
            final List<Integer> seqs = probe.handled.stream().filter(m -> m.startsWith(prefix))
                .map(m -> Integer.parseInt(m.substring(prefix.length()))).toList();
            assertThat(seqs).as("sender " + s).hasSize(perSender).isSorted();
        }
        assertThat(host.stats().handled()).isEqualTo((long) senders * perSender);
    }

    // ------------------------------------------------------------------------------------ deliveries

    @Test
    void deliveriesRunInOrderOneAtATimeOnThePoolAndFeedTheMailboxesInOrder() throws Exception {
        offer(host, "big", TestType.strings(this::probe).capacity(100_000));
        final WorkerRef ref = start(host, "remote", "big", 1);
        final Probe probe = nextProbe();
        final int tasks = 20_000;
        final List<Integer> ran = new CopyOnWriteArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        for (int i = 0; i < tasks; i++) {
            final int seq = i;
            host.deliveries().execute(() -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                if (seq % 1_000 == 0) {
                    threads.add(Thread.currentThread().getName());
                }
                ran.add(seq);
                cast(host, ref, Integer.toString(seq));
                inside.decrementAndGet();
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.handled.size() == tasks);
        assertThat(maxInside.get()).as("delivery tasks running at once").isEqualTo(1);
        assertThat(ran).hasSize(tasks).isSorted();
        assertThat(probe.handled.stream().map(Integer::parseInt).toList()).as("the worker's order").isSorted();
        assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("swarm-worker-"));
    }

    @Test
    void aBlockedWorkerHoldsUpNeitherDeliveriesNorOtherWorkers() throws Exception {
        final WorkerRef slow = start("slow");
        final Probe slowProbe = nextProbe();
        final WorkerRef other = start("other");
        final Probe otherProbe = nextProbe();
        host.deliveries().execute(() -> cast(host, slow, "block"));
        assertThat(slowProbe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) {
            final String m = "m" + i;
            host.deliveries().execute(() -> cast(host, other, m));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> otherProbe.handled.size() == 100);
        assertThat(slowProbe.handled).isEmpty(); // still inside "block"
        slowProbe.gate.countDown();
        await().until(() -> slowProbe.handled.equals(List.of("block")));
    }

    @Test
    void deliveriesAreRefusedOnceTheHostHasStopped() {
        host.close();
        assertThatThrownBy(() -> host.deliveries().execute(() -> { }))
            .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("stopped");
    }

    @Test
    void aFullMailboxRefusesWithAClearError() throws Exception {
        offer(host, "small", TestType.strings(this::probe).capacity(3));
        final WorkerRef ref = start(host, "tiny", "small", 1);
        final Probe probe = nextProbe();
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        cast(host, ref, "m1");
        cast(host, ref, "m2");
        cast(host, ref, "m3");
        assertThatThrownBy(() -> cast(host, ref, "m4"))
            .isInstanceOf(MailboxFullException.class)
            .hasMessageContaining("'tiny'").hasMessageContaining(ref.toString()).hasMessageContaining("capacity 3");
        assertThat(host.stats().mailboxFull()).isEqualTo(1);
        probe.gate.countDown();
        await().until(() -> probe.handled.equals(List.of("block", "m1", "m2", "m3")));
        cast(host, ref, "m5"); // room again
        await().until(() -> probe.handled.contains("m5"));
    }

    @Test
    void theContainersCapacityAppliesWhenTheTypeSetsNone() throws Exception {
        final LocalWorkerHost h = newHost(1, 2, 64);
        offer(h, "probe", TestType.strings(this::probe));
        final WorkerRef ref = start(h, "w", "probe", 1);
        final Probe probe = nextProbe();
        cast(h, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        cast(h, ref, "a");
        cast(h, ref, "b");
        assertThatThrownBy(() -> cast(h, ref, "c")).isInstanceOf(MailboxFullException.class)
            .hasMessageContaining("capacity 2");
        probe.gate.countDown();
    }

    @Test
    void aHandlerThatThrowsFailsThatMessageOnly() throws Exception {
        final WorkerRef ref = start("thrower");
        final Probe probe = nextProbe();
        final TestEnvelope boom = TestEnvelope.callLocal("boom");
        host.deliver(ref, boom);
        assertThat(failure(boom.result)).isInstanceOf(WorkerFailedException.class).hasMessageContaining("boom")
            .hasMessageContaining("'thrower'");
        final TestEnvelope castBoom = TestEnvelope.castLocal("boom");
        host.deliver(ref, castBoom);
        assertThat(failure(castBoom.result)).isInstanceOf(WorkerFailedException.class);
        final TestEnvelope echo = TestEnvelope.callLocal("echo:still here");
        host.deliver(ref, echo);
        assertThat(get(echo.result)).isEqualTo("still here");
        assertThat(probe.stops).isEmpty();
        assertThat(host.stats().failed()).isEqualTo(2);
        assertThat(boom.answers.get()).isEqualTo(1);
    }

    @Test
    void anUndecodablePayloadFailsTheCallAndLeavesTheWorkerUntouched() throws Exception {
        final WorkerRef ref = start("decoder");
        final Probe probe = nextProbe();
        final TestEnvelope bad = TestEnvelope.call(new byte[] {(byte) 0xC3, (byte) 0x28});
        host.deliver(ref, bad);
        assertThat(failure(bad.result)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("undecodable").hasMessageContaining("'utf8'").hasMessageContaining("'decoder'");
        final TestEnvelope good = TestEnvelope.call("echo:fine".getBytes(UTF_8));
        host.deliver(ref, good);
        assertThat((byte[]) get(good.result)).isEqualTo("fine".getBytes(UTF_8));
        assertThat(probe.handled).containsExactly("echo:fine");
    }

    @Test
    void aLocalEnvelopeSkipsTheCodecs() throws Exception {
        final CountingCodec codec = new CountingCodec();
        offer(host, "counted", new TestType<>(codec, codec, this::probe));
        final WorkerRef ref = start(host, "c", "counted", 1);
        final TestEnvelope local = TestEnvelope.callLocal("echo:object");
        host.deliver(ref, local);
        assertThat(get(local.result)).isEqualTo("object");
        assertThat(codec.encodes.get() + codec.decodes.get()).isZero();

        final TestEnvelope remote = TestEnvelope.call("echo:bytes".getBytes(UTF_8));
        host.deliver(ref, remote);
        assertThat((byte[]) get(remote.result)).isEqualTo("bytes".getBytes(UTF_8));
        assertThat(codec.decodes.get()).isEqualTo(1);
        assertThat(codec.encodes.get()).isEqualTo(1);

        // Sent here with another type: the host decodes the bytes the sender's codec gives, as from a
        // peer; the reply to a local sender is still the object.
        final TestEnvelope otherType = TestEnvelope.callLocal(42, "echo:42".getBytes(UTF_8));
        host.deliver(ref, otherType);
        assertThat(get(otherType.result)).isEqualTo("42");
        assertThat(codec.decodes.get()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------ replies

    @Test
    void aDeferredReplyMayComeFromAnotherThreadExactlyOnce() throws Exception {
        final BlockingQueue<Reply<String>> held = new LinkedBlockingQueue<>();
        offer(host, "deferred", TestType.strings(ctx -> new Worker<>() {
            @Override
            public void handleCast(String message) {
            }

            @Override
            public void handleCall(String message, Reply<String> reply) {
                if (message.equals("later")) {
                    held.add(reply);
                } else {
                    reply.reply("now:" + message);
                }
            }
        }));
        final WorkerRef ref = start(host, "d", "deferred", 1);
        final TestEnvelope later = TestEnvelope.callLocal("later");
        host.deliver(ref, later);
        final Reply<String> reply = held.poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.isDone()).isFalse();
        // The worker goes on with its next messages meanwhile.
        final TestEnvelope next = TestEnvelope.callLocal("x");
        host.deliver(ref, next);
        assertThat(get(next.result)).isEqualTo("now:x");
        assertThat(later.result).isNotDone();

        final CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> reply.reply("late"));
        assertThat(get(answered)).isTrue();
        assertThat(get(later.result)).isEqualTo("late");
        assertThat(reply.reply("again")).isFalse();
        assertThat(reply.fail("too late")).isFalse();
        assertThat(reply.isDone()).isTrue();
        assertThat(later.answers.get()).isEqualTo(1);
    }

    @Test
    void aDeferredReplyComesBackToTheWorkersStateThroughItsMailbox() {
        final ExecutorService elsewhere = Executors.newSingleThreadExecutor();
        try {
            offer(host, "async", TestType.strings(ctx -> new Worker<>() {
                private int answered; // the worker's own state: touched on its mailbox only

                @Override
                public void handleCast(String message) {
                }

                @Override
                public void handleCall(String message, Reply<String> reply) {
                    CompletableFuture.supplyAsync(message::toUpperCase, elsewhere)
                        .thenAcceptAsync(v -> {
                            answered++;
                            reply.reply(v + "#" + answered + "@" + Thread.currentThread().getName());
                        }, ctx.mailbox());
                }
            }));
            final WorkerRef ref = start(host, "a", "async", 1);
            final TestEnvelope first = TestEnvelope.callLocal("one");
            final TestEnvelope second = TestEnvelope.callLocal("two");
            host.deliver(ref, first);
            host.deliver(ref, second);
            assertThat((String) get(first.result)).startsWith("ONE#").contains("@swarm-worker-");
            assertThat((String) get(second.result)).startsWith("TWO#").contains("@swarm-worker-");
            assertThat(List.of(get(first.result), get(second.result)).toString()).contains("#1@").contains("#2@");
        } finally {
            elsewhere.shutdownNow();
        }
    }

    /** A calls B, B calls A back, A answers: on one pool thread, through deferred replies, no deadlock. */
    @Test
    void aCallsBCallsABackWithoutDeadlock() {
        final LocalWorkerHost h = newHost(1, 100, 64);
        final RecordingDriver d = new RecordingDriver();
        d.registry = TestRegistry.routingTo(h);
        h.attach(d);
        final Map<String, WorkerRef> refs = new ConcurrentHashMap<>();
        offer(h, "relay", TestType.strings(ctx -> new Worker<>() {
            @Override
            public void handleCast(String message) {
            }

            @Override
            public void handleCall(String message, Reply<String> reply) {
                final String peer = new String(ctx.args(), UTF_8);
                switch (message) {
                    case "go", "back" -> ctx.registry()
                        .call(refs.get(peer), message.equals("go") ? "back" : "inner", Codec.UTF8, Codec.UTF8,
                            Duration.ofSeconds(5))
                        .thenAcceptAsync(v -> reply.reply(ctx.name() + "(" + v + ")"), ctx.mailbox());
                    default -> reply.reply(ctx.name() + ":" + message);
                }
            }
        }));
        refs.put("A", get(h.start(new StartOrder("A", "relay", "B".getBytes(UTF_8), null, StartReason.FIRST_START, 1))));
        refs.put("B", get(h.start(new StartOrder("B", "relay", "A".getBytes(UTF_8), null, StartReason.FIRST_START, 1))));
        final TestEnvelope go = TestEnvelope.callLocal("go");
        h.deliver(refs.get("A"), go);
        assertThat(get(go.result)).isEqualTo("A(B(A:inner))");
    }

    @Test
    void aCallNotAnsweredWhenTheWorkerStopsFails() throws Exception {
        final BlockingQueue<Reply<String>> held = new LinkedBlockingQueue<>();
        offer(host, "holder", TestType.strings(ctx -> new Worker<>() {
            @Override
            public void handleCast(String message) {
            }

            @Override
            public void handleCall(String message, Reply<String> reply) {
                held.add(reply);
            }
        }));
        final WorkerRef ref = start(host, "h", "holder", 1);
        final TestEnvelope call = TestEnvelope.callLocal("x");
        host.deliver(ref, call);
        final Reply<String> reply = held.poll(10, TimeUnit.SECONDS);
        get(host.stop(ref, StopReason.UNREGISTERED, 1));
        assertThat(failure(call.result)).isInstanceOf(NoSuchWorkerException.class)
            .hasMessageContaining("before answering");
        assertThat(reply.reply("too late")).isFalse();
        assertThat(call.answers.get()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------ context

    @Test
    void theContextKnowsTheWorker() throws Exception {
        final byte[] args = {1, 2, 3};
        final WorkerRef ref = get(host.start(new StartOrder("ctx", "probe", args, null, StartReason.RESTARTED, 3)));
        final WorkerContext<String> ctx = nextProbe().context;
        assertThat(ctx.name()).isEqualTo("ctx");
        assertThat(ctx.self()).isEqualTo(ref);
        assertThat(ref.node()).isEqualTo(NODE);
        assertThat(ctx.startReason()).isEqualTo(StartReason.RESTARTED);
        assertThat(ctx.args()).containsExactly(1, 2, 3);
        ctx.args()[0] = 9;
        args[1] = 9;
        assertThat(ctx.args()).containsExactly(1, 2, 3);
        assertThat(ctx.registry()).isSameAs(driver.registry);
        final WorkerRef other = start("ctx2");
        assertThat(other.id()).isNotEqualTo(ref.id());
    }

    @Test
    void withoutADriverTheRegistryIsAClearError() throws Exception {
        final LocalWorkerHost h = newHost(1, 10, 8);
        offer(h, "probe", TestType.strings(this::probe));
        start(h, "lonely", "probe", 1);
        assertThatThrownBy(() -> nextProbe().context.registry()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no HostDriver");
    }

    @Test
    void timersFireAndAreCancelledWhenTheWorkerStops() throws Exception {
        final WorkerRef ref = start("timed");
        final Probe probe = nextProbe();
        probe.context.schedule(Duration.ofMillis(20), "tick");
        await().until(() -> probe.handled.contains("tick"));

        final Timer cancelled = probe.context.schedule(Duration.ofHours(1), "never");
        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.cancel()).isFalse();

        final Timer late = probe.context.schedule(Duration.ofHours(1), "late");
        assertThat(host.pendingTimers()).isEqualTo(1);
        get(host.stop(ref, StopReason.UNREGISTERED, 1));
        assertThat(host.pendingTimers()).isZero();
        assertThat(late.cancel()).as("cancelled by the stop already").isFalse();
        assertThat(probe.handled).containsExactly("tick");
    }

    @Test
    void stopSelfStopsAfterTheMessageAndIsReportedNormal() throws Exception {
        final WorkerRef ref = start("quitter");
        final Probe probe = nextProbe();
        cast(host, ref, "quit");
        await().until(() -> !driver.ended.isEmpty());
        assertThat(driver.ended).containsExactly(new RecordingDriver.Ended("quitter", ref, StopReason.NORMAL, null));
        assertThat(probe.handled).containsExactly("quit");
        assertThat(probe.stops).containsExactly(StopReason.NORMAL);
        assertThatThrownBy(() -> cast(host, ref, "more")).isInstanceOf(NoSuchWorkerException.class);
        assertThat(host.workerCount()).isZero();
        assertThat(driver.threads).allMatch(t -> t.equals("swarm-container-timer"));
    }

    @Test
    void mailboxTasksAfterTheStopAreDropped() throws Exception {
        final WorkerRef ref = start("dropper");
        final Probe probe = nextProbe();
        final AtomicInteger ran = new AtomicInteger();
        probe.context.mailbox().execute(ran::incrementAndGet);
        await().until(() -> ran.get() == 1);
        get(host.stop(ref, StopReason.UNREGISTERED, 1));
        probe.context.mailbox().execute(ran::incrementAndGet);
        assertThat(host.phaseOf(ref)).isEqualTo(-1);
        assertThat(ran.get()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------ start, crash

    @Test
    void onStartThrowingFailsTheStartAndLeavesNothingRunning() throws Exception {
        final List<WorkerRef> selves = new CopyOnWriteArrayList<>();
        final List<StopReason> stops = new CopyOnWriteArrayList<>();
        offer(host, "bad-start", TestType.strings(ctx -> new Worker<>() {
            @Override
            public void onStart(WorkerContext<String> context) {
                selves.add(context.self());
                throw new IllegalStateException("nope");
            }

            @Override
            public void handleCast(String message) {
            }

            @Override
            public void handleCall(String message, Reply<String> reply) {
            }

            @Override
            public void stop(StopReason reason) {
                stops.add(reason);
            }
        }));
        final Throwable error = failure(host.start(new StartOrder("b", "bad-start", new byte[0], null,
            StartReason.FIRST_START, 1)));
        assertThat(error).isInstanceOf(WorkerFailedException.class).hasMessageContaining("'b'")
            .hasMessageContaining("onStart").hasRootCauseMessage("nope");
        assertThat(error.getCause()).isInstanceOf(IllegalStateException.class);
        await().until(() -> host.workerCount() == 0);
        assertThatThrownBy(() -> cast(host, selves.get(0), "hello")).isInstanceOf(NoSuchWorkerException.class);
        assertThat(stops).isEmpty();
        assertThat(host.stats().crashes()).isEqualTo(1);
        // A failed start is reported by its stage only: the next event the driver hears is someone else's.
        final WorkerRef quitter = start("after");
        cast(host, quitter, "quit");
        await().until(() -> !driver.ended.isEmpty());
        assertThat(driver.ended).extracting(RecordingDriver.Ended::worker).containsExactly(quitter);
    }

    @Test
    void aFactoryThrowingFailsTheStart() {
        offer(host, "bad-factory", TestType.strings(ctx -> {
            throw new IllegalArgumentException("bad args");
        }));
        assertThat(failure(host.start(new StartOrder("f", "bad-factory", new byte[0], null, StartReason.FIRST_START, 1))))
            .isInstanceOf(WorkerFailedException.class).hasMessageContaining("factory").hasRootCauseMessage("bad args");
        await().until(() -> host.workerCount() == 0);
    }

    @Test
    void aTypeIsOfferedOnlyOnNodesWithEveryRoleItRequires() {
        final LocalWorkerHost edge = new LocalWorkerHost(NODE, Set.of("edge", "gpu"), new ContainerSettings(1, 10, 8));
        final LocalWorkerHost plain = new LocalWorkerHost(NODE, Set.of("edge"), new ContainerSettings(1, 10, 8));
        hosts.add(edge);
        hosts.add(plain);
        for (LocalWorkerHost h : List.of(edge, plain)) {
            h.addType(TestType.strings(this::probe).requiredRoles("gpu", "edge"), Map.of(WorkerType.WORKER_TYPE, "render"));
            h.addType(TestType.strings(this::probe), Map.of(WorkerType.WORKER_TYPE, "anywhere"));
        }
        assertThat(edge.workerTypes()).containsOnlyKeys("render", "anywhere");
        assertThat(plain.workerTypes()).containsOnlyKeys("anywhere");
        assertThat(failure(plain.start(new StartOrder("r", "render", new byte[0], null, StartReason.FIRST_START, 1))))
            .isInstanceOf(UnknownWorkerTypeException.class);
        assertThat(start(edge, "r", "render", 1)).isNotNull();
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertThat(failure(host.start(new StartOrder("u", "nope", new byte[0], null, StartReason.FIRST_START, 1))))
            .isInstanceOf(UnknownWorkerTypeException.class).hasMessageContaining("'nope'").hasMessageContaining("probe");
    }

    @Test
    void anErrorIsACrashReportedWithItsCause() throws Exception {
        final WorkerRef ref = start("fragile");
        final Probe probe = nextProbe();
        final TestEnvelope call = TestEnvelope.callLocal("error");
        final TestEnvelope queued = TestEnvelope.callLocal("after");
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        host.deliver(ref, call);
        host.deliver(ref, queued);
        probe.gate.countDown();
        assertThat(failure(call.result)).isInstanceOf(WorkerFailedException.class).hasMessageContaining("crashed");
        assertThat(failure(queued.result)).isInstanceOf(NoSuchWorkerException.class);
        await().until(() -> !driver.ended.isEmpty());
        final RecordingDriver.Ended ended = driver.ended.get(0);
        assertThat(ended.reason()).isEqualTo(StopReason.CRASHED);
        assertThat(ended.cause()).isInstanceOf(AssertionError.class).hasMessage("broken");
        assertThat(probe.stops).containsExactly(StopReason.CRASHED);
        assertThat(host.stats().crashes()).isEqualTo(1);
    }

    @Test
    void aHostedInstanceGetsAMailboxButIsNeverMoved() throws Exception {
        final Probe probe = new Probe(null);
        final WorkerRef ref = host.host("local", probe, Codec.UTF8, Codec.UTF8, 1);
        final TestEnvelope call = TestEnvelope.callLocal("echo:hi");
        host.deliver(ref, call);
        assertThat(get(call.result)).isEqualTo("hi");
        assertThat(probe.context.self()).isEqualTo(ref);
        assertThat(failure(host.beginHandoff(ref, 2))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("never moved");
        cast(host, ref, "quit");
        await().until(() -> !driver.ended.isEmpty());
        assertThat(driver.ended.get(0).reason()).isEqualTo(StopReason.NORMAL);
    }

    // ------------------------------------------------------------------------------------ orders

    @Test
    void staleOrdersAreRefusedAndNewerVersionsRecorded() throws Exception {
        final WorkerRef ref = start(host, "versioned", "probe", 5);
        final Probe probe = nextProbe();
        assertThat(failure(host.stop(ref, StopReason.UNREGISTERED, 4))).isInstanceOf(StaleOrderException.class)
            .hasMessageContaining("version 4").hasMessageContaining("version 5");
        assertThat(failure(host.beginHandoff(ref, 3))).isInstanceOf(StaleOrderException.class);
        assertThat(failure(host.resolveConflict(ref, new byte[0], 4))).isInstanceOf(StaleOrderException.class);
        get(host.resolveConflict(ref, "loser".getBytes(UTF_8), 6));
        assertThat(probe.conflictState).isEqualTo("loser".getBytes(UTF_8));
        assertThat(failure(host.stop(ref, StopReason.UNREGISTERED, 5))).isInstanceOf(StaleOrderException.class)
            .hasMessageContaining("version 6");
        assertThat(probe.stops).isEmpty();
        get(host.stop(ref, StopReason.CONFLICT_LOST, 6));
        assertThat(probe.stops).containsExactly(StopReason.CONFLICT_LOST);
        assertThat(driver.ended).as("an ordered stop is not reported back").isEmpty();
    }

    @Test
    void stopWaitsForTheCurrentMessageAndFailsTheQueuedOnes() throws Exception {
        final WorkerRef ref = start("stopped");
        final Probe probe = nextProbe();
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        final TestEnvelope queued = TestEnvelope.callLocal("queued");
        host.deliver(ref, queued);
        final CompletionStage<Void> stop = host.stop(ref, StopReason.UNREGISTERED, 1);
        assertThat(failure(queued.result)).isInstanceOf(NoSuchWorkerException.class);
        assertThat(stop.toCompletableFuture()).isNotDone();
        assertThatThrownBy(() -> cast(host, ref, "late")).isInstanceOf(NoSuchWorkerException.class);
        probe.gate.countDown();
        get(stop);
        assertThat(probe.handled).containsExactly("block");
        assertThat(probe.stops).containsExactly(StopReason.UNREGISTERED);
        assertThat(host.stop(ref, StopReason.UNREGISTERED, 1).toCompletableFuture()).isCompleted();
    }

    @Test
    void checkpointTakesTheWorkersState() throws Exception {
        final WorkerRef ref = start("cp");
        final Probe probe = nextProbe();
        cast(host, ref, "a");
        await().until(() -> probe.handled.size() == 1); // orders go before queued messages: let it through first
        assertThat(new String(get(host.checkpoint(ref)), UTF_8)).isEqualTo("handled=1");
        get(host.stop(ref, StopReason.UNREGISTERED, 1));
        assertThat(failure(host.checkpoint(ref))).isInstanceOf(NoSuchWorkerException.class);
    }

    // ------------------------------------------------------------------------------------ handoff

    @Test
    void handoffReturnsQueuedAndArrivingMessagesInOrderAndDeliversNoneToTheOldInstance() throws Exception {
        final WorkerRef ref = start(host, "mover", "probe", 1);
        final Probe old = nextProbe();
        old.decision = HandoffDecision.resume("state".getBytes(UTF_8));
        old.context.schedule(Duration.ofHours(1), "timer");
        cast(host, ref, "block");
        assertThat(old.entered.await(10, TimeUnit.SECONDS)).isTrue();
        final List<TestEnvelope> sent = new ArrayList<>();
        for (String m : List.of("m1", "m2", "m3")) {
            sent.add(TestEnvelope.castLocal(m));
            host.deliver(ref, sent.get(sent.size() - 1));
        }
        final CompletionStage<Handoff> handoff = host.beginHandoff(ref, 2);
        for (String m : List.of("m4", "m5")) {
            sent.add(TestEnvelope.callLocal(m));
            host.deliver(ref, sent.get(sent.size() - 1));
        }
        assertThat(handoff.toCompletableFuture()).isNotDone();
        old.gate.countDown();
        final Handoff result = get(handoff);
        assertThat(result.decision()).isEqualTo(HandoffDecision.resume("state".getBytes(UTF_8)));
        assertThat(result.timedOut()).isFalse();
        assertThat(result.pending()).containsExactlyElementsOf(sent);
        assertThat(sent).allMatch(e -> e.answers.get() == 0);
        await().until(() -> old.stops.equals(List.of(StopReason.MOVED)));
        assertThat(old.handled).containsExactly("block");
        assertThatThrownBy(() -> cast(host, ref, "m6")).isInstanceOf(NoSuchWorkerException.class);
        assertThat(host.pendingTimers()).as("timers and the handoff timeout cancelled").isZero();
        assertThat(host.stats().handoffs()).isEqualTo(1);

        // The registry's part: a new instance with the state, then the pending envelopes in order.
        final WorkerRef moved = get(host.start(new StartOrder("mover", "probe", new byte[0],
            result.decision().state(), StartReason.HANDED_OFF, 2)));
        final Probe fresh = nextProbe();
        assertThat(fresh.endHandoffState).isEqualTo("state".getBytes(UTF_8));
        for (Envelope e : result.pending()) {
            host.deliver(moved, e);
        }
        await().until(() -> fresh.handled.size() == 5);
        assertThat(fresh.handled).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(get(((TestEnvelope) result.pending().get(4)).result)).isEqualTo("ok:m5");
        assertThat(driver.ended).isEmpty();
    }

    @Test
    void aHandoffNotAnsweredInTimeIsARestart() throws Exception {
        offer(host, "slow", TestType.strings(this::probe).handoffTimeout(Duration.ofMillis(100)));
        final WorkerRef ref = start(host, "sluggish", "slow", 1);
        final Probe probe = nextProbe();
        probe.handoffGate = new CountDownLatch(1);
        probe.decision = HandoffDecision.ignore();
        final CompletionStage<Handoff> handoff = host.beginHandoff(ref, 1);
        assertThat(probe.handoffAsked.await(10, TimeUnit.SECONDS)).isTrue();
        final TestEnvelope during = TestEnvelope.castLocal("during");
        host.deliver(ref, during);
        final Handoff result = get(handoff);
        assertThat(result.decision()).isEqualTo(HandoffDecision.restart());
        assertThat(result.timedOut()).isTrue();
        assertThat(result.pending()).containsExactly(during);
        assertThat(host.stats().timeouts()).isEqualTo(1);
        assertThat(probe.stops).as("not stopped while beginHandoff still runs").isEmpty();
        probe.handoffGate.countDown();
        await().until(() -> probe.stops.equals(List.of(StopReason.MOVED)));
        assertThat(probe.handled).isEmpty();
        assertThatThrownBy(() -> cast(host, ref, "x")).isInstanceOf(NoSuchWorkerException.class);
    }

    @Test
    void ignoreResumesDeliveryWithTheHeldMessagesFirst() throws Exception {
        final WorkerRef ref = start("stayer");
        final Probe probe = nextProbe();
        probe.decision = HandoffDecision.ignore();
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        cast(host, ref, "m1");
        cast(host, ref, "m2");
        final CompletionStage<Handoff> handoff = host.beginHandoff(ref, 1);
        cast(host, ref, "m3");
        probe.gate.countDown();
        final Handoff result = get(handoff);
        assertThat(result.decision()).isEqualTo(HandoffDecision.ignore());
        assertThat(result.pending()).isEmpty();
        cast(host, ref, "m4");
        await().until(() -> probe.handled.size() == 5);
        assertThat(probe.handled).containsExactly("block", "m1", "m2", "m3", "m4");
        assertThat(probe.stops).isEmpty();
        assertThat(failure(host.beginHandoff(ref, 0))).isInstanceOf(StaleOrderException.class);
    }

    @Test
    void aSecondHandoffWhileOneIsUnderWayIsRefused() throws Exception {
        final WorkerRef ref = start("twice");
        final Probe probe = nextProbe();
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        final CompletionStage<Handoff> first = host.beginHandoff(ref, 1);
        assertThat(failure(host.beginHandoff(ref, 1))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("under way");
        probe.gate.countDown();
        assertThat(get(first).decision()).isEqualTo(HandoffDecision.restart());
    }

    @Test
    void aStopDuringAHandoffFailsTheHandoff() throws Exception {
        final WorkerRef ref = start("interrupted");
        final Probe probe = nextProbe();
        cast(host, ref, "block");
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        final CompletionStage<Handoff> handoff = host.beginHandoff(ref, 1);
        final CompletionStage<Void> stop = host.stop(ref, StopReason.QUORUM_LOST, 2);
        assertThat(failure(handoff)).isInstanceOf(NoSuchWorkerException.class);
        probe.gate.countDown();
        get(stop);
        assertThat(probe.stops).containsExactly(StopReason.QUORUM_LOST);
    }

    // ------------------------------------------------------------------------------------ types

    @Test
    void removingATypeStopsItsWorkersWithTypeRemoved() throws Exception {
        final TestType<String, String> temp = TestType.strings(this::probe);
        offer(host, "temp", temp);
        await().until(() -> driver.lastTypes().containsKey("temp"));
        final WorkerRef one = start(host, "one", "temp", 1);
        final WorkerRef two = start(host, "two", "temp", 1);
        final WorkerRef other = start("other");
        host.removeType(temp);
        await().until(() -> driver.ended.size() == 2);
        assertThat(driver.ended).extracting(RecordingDriver.Ended::worker).containsExactlyInAnyOrder(one, two);
        assertThat(driver.ended).extracting(RecordingDriver.Ended::reason).containsOnly(StopReason.TYPE_REMOVED);
        assertThat(driver.lastTypes()).containsOnlyKeys("probe");
        assertThat(host.workerTypes()).containsOnlyKeys("probe");
        assertThatThrownBy(() -> cast(host, one, "x")).isInstanceOf(NoSuchWorkerException.class);
        cast(host, other, "still");
        assertThat(failure(host.start(new StartOrder("three", "temp", new byte[0], null, StartReason.FIRST_START, 1))))
            .isInstanceOf(UnknownWorkerTypeException.class);
    }

    @Test
    void typesWithoutANameOrWithATakenNameAreRefused() throws Exception {
        final TestType<String, String> unnamed = TestType.strings(this::probe);
        assertThat(host.addType(unnamed, Map.of("service.id", 9L))).isFalse();
        assertThat(host.addType(unnamed, Map.of(WorkerType.WORKER_TYPE, "  "))).isFalse();
        final TestType<String, String> invalid = TestType.strings(this::probe).capacity(-1);
        assertThat(host.addType(invalid, Map.of(WorkerType.WORKER_TYPE, "invalid"))).isFalse();

        final List<String> made = new CopyOnWriteArrayList<>();
        final TestType<String, String> first = TestType.strings(ctx -> {
            made.add("first");
            return new Probe(ctx);
        });
        final TestType<String, String> second = TestType.strings(ctx -> {
            made.add("second");
            return new Probe(ctx);
        });
        assertThat(host.addType(first, Map.of(WorkerType.WORKER_TYPE, "dup"))).isTrue();
        assertThat(host.addType(second, Map.of(WorkerType.WORKER_TYPE, "dup"))).isFalse();
        start(host, "x", "dup", 1);
        host.removeType(first); // the standby takes over
        assertThat(host.workerTypes()).containsKey("dup");
        start(host, "y", "dup", 1);
        assertThat(made).containsExactly("first", "second");
        assertThat(host.workerTypes()).doesNotContainKeys("invalid");
    }

    @Test
    void aDriverAttachesOnceAndHearsTheCurrentTypesFirst() {
        assertThatThrownBy(() -> host.attach(new RecordingDriver())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already");
        final LocalWorkerHost h = newHost(1, 10, 8);
        offer(h, "probe", TestType.strings(this::probe));
        final RecordingDriver d = new RecordingDriver();
        final Subscription s = h.attach(d);
        await().until(() -> !d.types.isEmpty());
        assertThat(d.types.get(0)).containsOnlyKeys("probe");
        assertThat(d.types.get(0).get("probe").handoffTimeout()).isEqualTo(Duration.ofSeconds(5));
        s.close();
        h.attach(new RecordingDriver()).close();
    }

    // ------------------------------------------------------------------------------------ fairness

    @Test
    void aWorkerWithALongQueueYieldsAfterABatch() throws Exception {
        final LocalWorkerHost h = newHost(1, 1000, 4);
        final List<String> order = new CopyOnWriteArrayList<>();
        offer(h, "probe", TestType.strings(ctx -> {
            final Probe p = new Probe(ctx) {
                @Override
                void act(String message) throws Exception {
                    super.act(message);
                    order.add(ctx.name() + ":" + message);
                }
            };
            probes.add(p);
            return p;
        }));
        final WorkerRef a = start(h, "A", "probe", 1);
        final Probe probeA = nextProbe();
        final WorkerRef b = start(h, "B", "probe", 1);
        // A holds the only pool thread; 50 more wait for A, then one for B.
        cast(h, a, "block");
        assertThat(probeA.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 50; i++) {
            cast(h, a, "a" + i);
        }
        cast(h, b, "b");
        probeA.gate.countDown();
        await().until(() -> order.size() == 52);
        assertThat(order.indexOf("B:b")).as("B ran right after A's first turn of 4").isEqualTo(4);
        assertThat(order.subList(0, 4)).containsExactly("A:block", "A:a0", "A:a1", "A:a2");
    }

    // ------------------------------------------------------------------------------------ close

    @Test
    void closingTheHostStopsEveryWorkerWithShutdown() throws Exception {
        final LocalWorkerHost h = newHost(2, 10, 8);
        offer(h, "probe", TestType.strings(this::probe));
        start(h, "s1", "probe", 1);
        final Probe p1 = nextProbe();
        start(h, "s2", "probe", 1);
        final Probe p2 = nextProbe();
        h.close();
        assertThat(p1.stops).containsExactly(StopReason.SHUTDOWN);
        assertThat(p2.stops).containsExactly(StopReason.SHUTDOWN);
        assertThat(h.workerCount()).isZero();
        assertThat(failure(h.start(new StartOrder("s3", "probe", new byte[0], null, StartReason.FIRST_START, 1))))
            .isInstanceOf(IllegalStateException.class);
    }

    /** Counts codec use, to show local envelopes skip it. */
    static final class CountingCodec implements Codec<String> {
        final AtomicInteger encodes = new AtomicInteger();
        final AtomicInteger decodes = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public byte[] encode(String message) {
            encodes.incrementAndGet();
            return Codec.UTF8.encode(message);
        }

        @Override
        public String decode(byte[] bytes) {
            decodes.incrementAndGet();
            return Codec.UTF8.decode(bytes);
        }
    }
}
