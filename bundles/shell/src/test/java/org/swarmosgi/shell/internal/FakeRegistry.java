package org.swarmosgi.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import org.swarmosgi.api.AlreadyRegisteredException;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.MulticallResult;
import org.swarmosgi.api.NameListener;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.NotRegisteredException;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.TopologyListener;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerRef;

/**
 * A registry of one node for the shell's tests: names in a map, a "counter" type only, calls
 * answered by {@link #onCall} (an echo by default), every stage completed before it is returned
 * unless a test says otherwise. Records what it was asked.
 */
final class FakeRegistry implements SwarmRegistry {

    static final NodeId NODE = new NodeId("alpha", 0x1a2bL);

    final Map<String, WorkerRef> names = new TreeMap<>();
    final List<String> asked = new ArrayList<>();
    BiFunction<String, String, CompletionStage<String>> onCall =
            (name, message) -> CompletableFuture.completedFuture("echo " + message);
    /** Answers of calls to one worker (multicall): an echo by default. */
    BiFunction<WorkerRef, String, CompletionStage<String>> onRefCall =
            (ref, message) -> CompletableFuture.completedFuture("echo " + message + " from " + ref);
    /** Group name to its members' names. */
    final Map<String, List<String>> groups = new TreeMap<>();
    /** Names whose worker runs off its placement: handoff moves them (a new ref on this node). */
    final Set<String> misplaced = new java.util.HashSet<>();
    /** What rebalance answers. */
    Rebalance rebalance = new Rebalance(List.of(), 0);
    /** When set, every asynchronous operation returns this stage instead. */
    CompletionStage<?> stage;
    private long nextId = 1;

    @Override
    public CompletionStage<WorkerRef> register(String name, String workerType, byte[] args, Duration timeout) {
        asked.add("register " + name + " " + workerType + " [" + new String(args, StandardCharsets.UTF_8) + "] "
                + timeout.toMillis());
        if (stage != null) {
            return cast(stage);
        }
        if (names.containsKey(name)) {
            return CompletableFuture.failedFuture(new AlreadyRegisteredException(name, names.get(name)));
        }
        if (!workerType.equals("counter")) {
            return CompletableFuture.failedFuture(
                    new UnknownWorkerTypeException("no node offers worker type '" + workerType + "'"));
        }
        final WorkerRef ref = new WorkerRef(NODE, nextId++);
        names.put(name, ref);
        return CompletableFuture.completedFuture(ref);
    }

    @Override
    public CompletionStage<Void> drain(Duration timeout) {
        asked.add("drain " + timeout.toMillis());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<WorkerRef> handoff(String name, Duration timeout) {
        asked.add("handoff " + name + " " + timeout.toMillis());
        if (stage != null) {
            return cast(stage);
        }
        if (!names.containsKey(name)) {
            return CompletableFuture.failedFuture(new NotRegisteredException("'" + name + "' is not registered"));
        }
        if (misplaced.remove(name)) {
            names.put(name, new WorkerRef(NODE, nextId++));
        }
        return CompletableFuture.completedFuture(names.get(name));
    }

    @Override
    public CompletionStage<Rebalance> rebalance() {
        asked.add("rebalance");
        return stage != null ? cast(stage) : CompletableFuture.completedFuture(rebalance);
    }

    @Override
    public CompletionStage<Void> unregister(String name, Duration timeout) {
        asked.add("unregister " + name + " " + timeout.toMillis());
        if (stage != null) {
            return cast(stage);
        }
        return names.remove(name) != null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new NotRegisteredException("name '" + name + "' is not registered"));
    }

    @Override
    public Optional<WorkerRef> whereis(String name) {
        asked.add("whereis " + name);
        return Optional.ofNullable(names.get(name));
    }

    @Override
    public Map<String, WorkerRef> registered() {
        asked.add("registered");
        return Map.copyOf(names);
    }

    @Override
    public <M> CompletionStage<Void> send(String name, M message, Codec<M> codec) {
        asked.add("send " + name + " " + new String(codec.encode(message), StandardCharsets.UTF_8));
        if (stage != null) {
            return cast(stage);
        }
        return names.containsKey(name) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new NotRegisteredException("name '" + name + "' is not registered"));
    }

    @Override
    public <M, R> CompletionStage<R> call(String name, M message, Codec<M> codec, Codec<R> replyCodec,
                                          Duration timeout) {
        final String text = new String(codec.encode(message), StandardCharsets.UTF_8);
        asked.add("call " + name + " " + text + " " + timeout.toMillis());
        if (stage != null) {
            return cast(stage);
        }
        return onCall.apply(name, text).thenApply(reply -> replyCodec.decode(reply.getBytes(StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> cast(CompletionStage<?> stage) {
        return (CompletionStage<T>) stage;
    }

    @Override
    public CompletionStage<WorkerRef> whereisOrRegister(String name, String workerType, byte[] args, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <M, R> CompletionStage<WorkerRef> registerLocal(String name, Worker<M, R> worker, Codec<M> codec,
                                                           Codec<R> replyCodec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Optional<WorkerRef>> lookup(String name, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> join(String group, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> leave(String group, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<WorkerRef> members(String group) {
        final List<WorkerRef> refs = new ArrayList<>();
        for (String name : groups.getOrDefault(group, List.of())) {
            if (names.containsKey(name)) {
                refs.add(names.get(name));
            }
        }
        return refs;
    }

    @Override
    public Set<String> groups() {
        final Set<String> out = new java.util.TreeSet<>();
        groups.keySet().forEach(g -> {
            if (!members(g).isEmpty()) {
                out.add(g);
            }
        });
        return out;
    }

    @Override
    public <M> void publish(String group, M message, Codec<M> codec) {
        asked.add("publish " + group + " " + new String(codec.encode(message), StandardCharsets.UTF_8));
    }

    @Override
    public <M, R> CompletionStage<R> call(WorkerRef worker, M message, Codec<M> codec, Codec<R> replyCodec,
                                          Duration timeout) {
        final String text = new String(codec.encode(message), StandardCharsets.UTF_8);
        asked.add("call " + worker + " " + text + " " + timeout.toMillis());
        return onRefCall.apply(worker, text).thenApply(reply -> replyCodec.decode(reply.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- not used by the shell

    @Override
    public <M, R> CompletionStage<MulticallResult<R>> multicall(String group, M message, Codec<M> codec,
                                                                Codec<R> replyCodec, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <M> CompletionStage<Void> send(WorkerRef worker, M message, Codec<M> codec) {
        throw new UnsupportedOperationException();
    }


    @Override
    public CompletionStage<StopReason> monitor(WorkerRef worker) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription addNameListener(NameListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public boolean hasQuorum() {
        return true;
    }

    @Override
    public Member self() {
        return new Member(NODE, new Endpoint("127.0.0.1", 40001));
    }

    @Override
    public List<Member> nodes() {
        return List.of(self());
    }

    @Override
    public Map<NodeId, NodeProfile> profiles() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription addTopologyListener(TopologyListener listener) {
        throw new UnsupportedOperationException();
    }
}
