package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * A registration whose one message is lost (a send the transport refused, or a message dropped by a
 * node whose view of the sender lagged) completes anyway, well within its timeout: the asking side
 * asks again. Found by the multi-JVM tests
 * (itests RegistryClusterIT), where a lost request made a register in a healthy cluster time out.
 */
class LostMessageTest {

    private static final long TIMEOUT_MS = 5_000;
    /** Within this the registration must complete: a few resend intervals (sync timeout 300 ms here), far below the claim timeout. */
    private static final long BOUND_MS = 1_000;

    @Test
    void aLostRegisterRequestIsAskedAgain() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        sim.loss = 1; // the request to the owner is lost
        final Simulation.Outcome o = sim.call(caller, id -> caller.core.register(id, name, Simulation.PERMANENT,
                "x".getBytes(StandardCharsets.UTF_8), TIMEOUT_MS, false));
        sim.loss = 0;
        sim.run(BOUND_MS);
        assertThat(o.ok()).as("registered within %d ms: %s", BOUND_MS, o.error).isTrue();
    }

    /**
     * A start slower than the resend interval: the caller asks again while the owner's claim waits, and
     * the repeats (delivered out of order here) must not turn its own registration into
     * "already registered".
     */
    @Test
    void aSlowStartAskedAgainCompletesAsTheOneRegistration() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        sim.startDelayMs = 1_000; // three resend intervals
        sim.maxDelay = 50;
        final Simulation.Outcome o = sim.call(caller, id -> caller.core.register(id, name, Simulation.PERMANENT,
                "x".getBytes(StandardCharsets.UTF_8), TIMEOUT_MS, false));
        sim.run(2 * BOUND_MS);
        assertThat(o.ok()).as("registered: %s", o.error).isTrue();
    }

    /**
     * The owner's answer that the registration started is lost: the caller asks again and must hear that its
     * registration is the one that started, not "already registered" with its own worker. Found by the model
     * test (concurrent registrations from every node under loss, where no caller saw a success).
     */
    @Test
    void aRegistrationWhoseAnswerWasLostIsAnsweredWithItsOwnWorker() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        final boolean[] dropped = {false};
        sim.drop = m -> m instanceof Msg.Reply r && r.status() == Msg.Status.OK && !dropped[0] && (dropped[0] = true);
        final Simulation.Outcome o = sim.call(caller, id -> caller.core.register(id, name, Simulation.PERMANENT,
                "x".getBytes(StandardCharsets.UTF_8), TIMEOUT_MS, false));
        sim.run(BOUND_MS);
        assertThat(dropped[0]).as("the answer was lost").isTrue();
        assertThat(o.ok()).as("registered within %d ms: %s", BOUND_MS, o.error).isTrue();
        assertThat(o.result).isEqualTo(sim.node("n2").core.whereis(name).orElseThrow());
    }

    /**
     * The answer that an unregistration is done is lost (owner to caller): the caller asks again and must hear
     * that its unregistration is done, not that the name is not registered (or RETRY until its timeout).
     */
    @Test
    void anUnregistrationWhoseAnswerWasLostCompletes() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        registerFrom(sim, caller, name);
        final boolean[] dropped = {false};
        sim.drop = m -> m instanceof Msg.Reply r && r.op() instanceof Op.Remove && !dropped[0] && (dropped[0] = true);
        final Simulation.Outcome o = sim.call(caller, id -> caller.core.unregister(id, name, TIMEOUT_MS));
        sim.run(BOUND_MS);
        assertThat(dropped[0]).as("the answer was lost").isTrue();
        assertThat(o.ok()).as("unregistered within %d ms: %s", BOUND_MS, o.error).isTrue();
        assertRegisteredNowhere(sim, name);
    }

    /**
     * The host's report that it unregistered the name is lost on its way to the owner: the caller asks again.
     * When the operation reached the owner, the owner finds the name free; when it has not yet (late, and the
     * anti-entropy that would repair it too), the owner asks the host again, which no longer holds it (this
     * looped on RETRY until the caller's timeout). Either way the caller must hear that its unregistration is done.
     */
    @Test
    void anUnregistrationWhoseHostsReportWasLostCompletes() {
        for (boolean late : new boolean[] {true, false}) {
            final Simulation sim = settled();
            sim.togglePermanent("n2"); // names n2 owns are placed on another node: the host is not the owner
            sim.run(BOUND_MS);
            final Simulation.Node caller = sim.node("n1");
            final String name = nameWhere(n -> caller.core.ownerOf(n).equals(sim.node("n2").id));
            registerFrom(sim, caller, name);
            final boolean[] dropped = {false};
            sim.drop = m -> m instanceof Msg.NameDone d && d.status() == Msg.Status.OK && !dropped[0] && (dropped[0] = true);
            if (late) {
                sim.extraDelay = m -> m instanceof Msg.Ops || m instanceof Msg.SyncReply ? 2 * BOUND_MS : 0;
            }
            final Simulation.Outcome o = sim.call(caller, id -> caller.core.unregister(id, name, TIMEOUT_MS));
            sim.run(BOUND_MS);
            assertThat(dropped[0]).as("the report was lost").isTrue();
            assertThat(o.ok()).as("late %s: unregistered within %d ms: %s", late, BOUND_MS, o.error).isTrue();
        }
    }

    /** A group leave (and a join) whose answer was lost completes as done when asked again. */
    @Test
    void aGroupChangeWhoseAnswerWasLostCompletes() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        registerFrom(sim, caller, name);
        for (boolean leave : new boolean[] {false, true}) {
            final boolean[] dropped = {false};
            sim.drop = m -> m instanceof Msg.Reply r && r.op() != null && !dropped[0] && (dropped[0] = true);
            final Simulation.Outcome o = sim.call(caller, id -> {
                if (leave) {
                    caller.core.leave(id, "g", name, TIMEOUT_MS);
                } else {
                    caller.core.join(id, "g", name, TIMEOUT_MS);
                }
            });
            sim.run(BOUND_MS);
            assertThat(dropped[0]).as("the answer was lost").isTrue();
            assertThat(o.ok()).as("%s within %d ms: %s", leave ? "left" : "joined", BOUND_MS, o.error).isTrue();
            for (Simulation.Node n : sim.liveNodes()) {
                assertThat(n.core.members("g")).as("on %s", n.id).hasSize(leave ? 0 : 1);
            }
        }
    }

    /**
     * A monitor of a worker on another node whose one message is lost (the request to the host, or the host's
     * answer that the worker ended) still completes with the reason the worker ended: the watcher asks again,
     * and the host remembers how its workers ended. Both never completed before (until the host died, if then).
     */
    @Test
    void aMonitorWhoseRequestOrAnswerWasLostCompletesWithTheReason() {
        for (boolean lostRequest : new boolean[] {true, false}) {
            final Simulation sim = settled();
            final Simulation.Node watcher = sim.node("n1");
            final org.swarmosgi.api.WorkerRef ref = workerElsewhere(sim, watcher);
            final boolean[] dropped = {false};
            sim.drop = m -> (lostRequest ? m instanceof Msg.MonitorReq : m instanceof Msg.MonitorFired)
                && !dropped[0] && (dropped[0] = true);
            final Simulation.Outcome o = sim.call(watcher, id -> watcher.core.monitor(id, ref));
            sim.run(50);
            assertThat(sim.crashWorker(sim.node(ref.node()), ref)).isTrue();
            sim.run(BOUND_MS);
            assertThat(dropped[0]).as("lost request %s: the message was lost", lostRequest).isTrue();
            assertThat(o.ok()).as("lost request %s: completed within %d ms", lostRequest, BOUND_MS).isTrue();
            assertThat(o.result).as("lost request %s", lostRequest).isEqualTo(org.swarmosgi.api.StopReason.CRASHED);
            assertThat(watcher.core.watchCount()).isZero();
        }
    }

    /** A cancelled monitor of a remote worker is asked no more. */
    @Test
    void aCancelledMonitorIsAskedNoMore() {
        final Simulation sim = settled();
        final Simulation.Node watcher = sim.node("n1");
        final org.swarmosgi.api.WorkerRef ref = workerElsewhere(sim, watcher);
        sim.drop = m -> m instanceof Msg.MonitorReq;
        final Simulation.Outcome o = sim.call(watcher, id -> {
            watcher.core.monitor(id, ref);
            watcher.core.cancelMonitor(id, ref);
        });
        final int[] asked = {0};
        sim.drop = m -> m instanceof Msg.MonitorReq && ++asked[0] > 0;
        sim.run(BOUND_MS);
        assertThat(asked[0]).isZero();
        assertThat(watcher.core.watchCount()).isZero();
        assertThat(o.done).isFalse();
    }

    /**
     * A registerLocal whose hosting failed gives its claim up; that abort is lost on its way to the name's owner.
     * Another node's registration of the name must not wait for the owner's claim timeout (10 s): the claimant
     * asks again until the owner answers.
     */
    @Test
    void aLostClaimAbortDoesNotHoldTheNameForTheClaimTimeout() {
        final Simulation sim = settled();
        final Simulation.Node claimant = sim.node("n1");
        final String name = nameWhere(claimant, owner -> !owner.equals(claimant.id));
        sim.hostingFails.add(name);
        final boolean[] dropped = {false};
        sim.drop = m -> m instanceof Msg.ClaimAbort && !dropped[0] && (dropped[0] = true);
        final Simulation.Outcome local = sim.call(claimant, id -> claimant.core.registerLocal(id, name, TIMEOUT_MS));
        sim.run(50);
        assertThat(dropped[0]).as("the abort was lost").isTrue();
        assertThat(local.done && local.error != null).as("registerLocal failed: %s", local.error).isTrue();
        assertAnotherNodeRegistersSoon(sim, name);
    }

    /**
     * A registerLocal's request is delayed past its resend: the resend is granted, hosting fails and the claim is
     * given up; then the delayed copy reaches the owner. It must not be granted a claim again (nobody would complete
     * or abort it): another node's registration of the name completes well before the claim timeout (2 s here).
     */
    @Test
    void aClaimRequestArrivingAfterItsAbortDoesNotHoldTheName() {
        final Simulation sim = settled();
        final Simulation.Node claimant = sim.node("n1");
        final String name = nameWhere(claimant, owner -> !owner.equals(claimant.id));
        sim.hostingFails.add(name);
        final int[] claimReqs = delayFirstCopy(sim, Msg.ClaimReq.class); // it arrives after the abort
        final boolean[] aborted = {false};
        sim.drop = m -> {
            aborted[0] |= m instanceof Msg.ClaimAbort;
            return false;
        };
        final Simulation.Outcome local = sim.call(claimant, id -> claimant.core.registerLocal(id, name, TIMEOUT_MS));
        sim.run(350);
        assertThat(claimReqs[0]).as("asked again").isEqualTo(2);
        assertThat(aborted[0]).as("the claim given up").isTrue();
        assertThat(local.done && local.error != null).as("registerLocal failed: %s", local.error).isTrue();
        sim.run(100); // the late copy arrives
        assertAnotherNodeRegistersSoon(sim, name);
    }

    /**
     * As above, but the resend's hosting succeeds and the name is unregistered before the delayed copy arrives: that
     * copy must not be granted a claim on the free name either.
     */
    @Test
    void aClaimRequestArrivingAfterItsNameCameAndWentDoesNotHoldTheName() {
        final Simulation sim = settled();
        final Simulation.Node claimant = sim.node("n1");
        final String name = nameWhere(claimant, owner -> !owner.equals(claimant.id));
        final int[] claimReqs = delayFirstCopy(sim, Msg.ClaimReq.class);
        final Simulation.Outcome local = sim.call(claimant, id -> claimant.core.registerLocal(id, name, TIMEOUT_MS));
        sim.run(320);
        assertThat(local.ok()).as("registered locally: %s", local.error).isTrue();
        final Simulation.Outcome gone = sim.call(claimant, id -> claimant.core.unregister(id, name, TIMEOUT_MS));
        sim.run(50);
        assertThat(gone.ok()).as("unregistered before the late copy: %s", gone.error).isTrue();
        sim.run(100); // the late copy arrives
        assertAnotherNodeRegistersSoon(sim, name);
    }

    /**
     * A registration's request is delayed past its resend: the resend registers the name, which is then
     * unregistered; the delayed copy reaching the owner afterwards must not start it again (nobody asked for
     * that worker: the name would come back).
     */
    @Test
    void aRegisterRequestArrivingAfterItsNameCameAndWentStartsNothing() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        final int[] requests = delayFirstCopy(sim, Msg.RegisterReq.class);
        final Simulation.Outcome reg = register(sim, caller, name, Simulation.TEMPORARY);
        sim.run(320);
        assertThat(reg.ok()).as("registered by the resend: %s", reg.error).isTrue();
        final Simulation.Outcome gone = sim.call(caller, id -> caller.core.unregister(id, name, TIMEOUT_MS));
        sim.run(50);
        assertThat(gone.ok()).as("unregistered before the late copy: %s", gone.error).isTrue();
        sim.run(BOUND_MS); // the late copy arrives
        assertThat(requests[0]).isEqualTo(2);
        assertRegisteredNowhere(sim, name);
        for (Simulation.Node n : sim.liveNodes()) {
            assertThat(n.workers.values()).as("workers of %s on %s", name, n.id).noneMatch(w -> w.alive && w.name.equals(name));
        }
    }

    /**
     * As above, but the registration was answered "already registered" (another node held the name): once the name
     * is unregistered, the late copy must not start it either.
     */
    @Test
    void aRegisterRequestAnsweredAlreadyRegisteredStartsNothingOnceTheNameWent() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final Simulation.Node holder = sim.node("n2");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        registerFrom(sim, holder, name);
        final int[] requests = delayFirstCopy(sim, Msg.RegisterReq.class);
        final Simulation.Outcome reg = register(sim, caller, name, Simulation.TEMPORARY);
        sim.run(320);
        assertThat(reg.error).as("answered by the resend").isInstanceOf(org.swarmosgi.api.AlreadyRegisteredException.class);
        final Simulation.Outcome gone = sim.call(holder, id -> holder.core.unregister(id, name, TIMEOUT_MS));
        sim.run(50);
        assertThat(gone.ok()).as("unregistered before the late copy: %s", gone.error).isTrue();
        sim.run(BOUND_MS); // the late copy arrives
        assertThat(requests[0]).isEqualTo(2);
        assertRegisteredNowhere(sim, name);
    }

    /**
     * An unregistration's request is delayed past its resend, which is answered "not registered"; the name is then
     * registered. The delayed copy reaching the owner afterwards must not unregister the new worker.
     */
    @Test
    void anUnregisterRequestArrivingAfterTheNameWasRegisteredLeavesIt() {
        final Simulation sim = settled();
        final Simulation.Node caller = sim.node("n1");
        final String name = nameWhere(caller, owner -> !owner.equals(caller.id));
        final int[] requests = delayFirstCopy(sim, Msg.NameReq.class);
        final Simulation.Outcome gone = sim.call(caller, id -> caller.core.unregister(id, name, TIMEOUT_MS));
        sim.run(320);
        assertThat(gone.error).as("answered by the resend").isInstanceOf(org.swarmosgi.api.NotRegisteredException.class);
        registerFrom(sim, sim.node("n3"), name); // runs past the late copy's arrival
        assertThat(requests[0]).isEqualTo(2);
        for (Simulation.Node n : sim.liveNodes()) {
            assertThat(n.core.whereis(name)).as("%s on %s", name, n.id).isPresent();
        }
    }

    /**
     * A registerLocal times out before its owner's grant reaches it (the request was slow): the grant comes to a
     * request nobody waits for. The claim must go at once, not after the claim timeout.
     */
    @Test
    void aClaimGrantedAfterItsRequestTimedOutDoesNotHoldTheName() {
        final Simulation sim = settled();
        final Simulation.Node claimant = sim.node("n1");
        final String name = nameWhere(claimant, owner -> !owner.equals(claimant.id));
        sim.extraDelay = m -> m instanceof Msg.ClaimReq ? 150 : 0;
        final Simulation.Outcome local = sim.call(claimant, id -> claimant.core.registerLocal(id, name, 100));
        sim.run(200);
        assertThat(local.done && local.error instanceof org.swarmosgi.api.SwarmTimeoutException)
            .as("registerLocal timed out: %s", local.error).isTrue();
        sim.extraDelay = m -> 0;
        assertAnotherNodeRegistersSoon(sim, name);
        assertThat(claimant.workers.values()).as("nothing hosted for the timed-out request").noneMatch(w -> w.type == null);
    }

    /** Registers permanent names from {@code watcher} until one runs on another node; its worker. */
    private static org.swarmosgi.api.WorkerRef workerElsewhere(Simulation sim, Simulation.Node watcher) {
        for (int i = 0; i < 100; i++) {
            final String name = "watched-" + i;
            registerFrom(sim, watcher, name);
            final org.swarmosgi.api.WorkerRef ref = watcher.core.whereis(name).orElseThrow();
            if (!ref.node().equals(watcher.id)) {
                return ref;
            }
        }
        throw new AssertionError("every worker ran on the watcher");
    }

    /** Registers {@code name} (permanent) from {@code caller} and waits until that is done. */
    private static void registerFrom(Simulation sim, Simulation.Node caller, String name) {
        final Simulation.Outcome reg = register(sim, caller, name, Simulation.PERMANENT);
        sim.run(BOUND_MS);
        assertThat(reg.ok()).as("registered: %s", reg.error).isTrue();
    }

    private static Simulation settled() {
        final Simulation sim = new Simulation(42, Simulation.SETTINGS);
        for (String name : new String[] {"n1", "n2", "n3"}) {
            sim.start(name);
        }
        sim.run(2_000);
        for (Simulation.Node n : sim.liveNodes()) {
            assertThat(n.core.liveNodes()).hasSize(3);
        }
        return sim;
    }

    private static String nameWhere(Simulation.Node node, java.util.function.Predicate<org.swarmosgi.api.NodeId> owner) {
        return nameWhere(name -> owner.test(node.core.ownerOf(name)));
    }

    private static String nameWhere(java.util.function.Predicate<String> wanted) {
        for (int i = 0; i < 1000; i++) {
            final String name = "name-" + i;
            if (wanted.test(name)) {
                return name;
            }
        }
        throw new AssertionError("no such name");
    }

    /**
     * The first copy of each {@code kind} message sent from now on takes 400 ms, longer than the 300 ms resend
     * interval, so it arrives after the resend's answer. Returns the count of such messages sent.
     */
    private static int[] delayFirstCopy(Simulation sim, Class<? extends Msg> kind) {
        final int[] sent = {0};
        sim.extraDelay = m -> kind.isInstance(m) && sent[0]++ == 0 ? 400 : 0;
        return sent;
    }

    /** {@code from} registers {@code name} as a worker of {@code type} (start arguments "x"); done as the simulation runs. */
    private static Simulation.Outcome register(Simulation sim, Simulation.Node from, String name, String type) {
        return sim.call(from, id -> from.core.register(id, name, type, "x".getBytes(StandardCharsets.UTF_8),
            TIMEOUT_MS, false));
    }

    /** No live node finds {@code name}. */
    private static void assertRegisteredNowhere(Simulation sim, String name) {
        for (Simulation.Node n : sim.liveNodes()) {
            assertThat(n.core.whereis(name)).as("%s on %s", name, n.id).isEmpty();
        }
    }

    /** n3 registers {@code name} well before the claim timeout: no stale claim holds it. */
    private static void assertAnotherNodeRegistersSoon(Simulation sim, String name) {
        final Simulation.Node other = sim.node("n3");
        final Simulation.Outcome o = register(sim, other, name, Simulation.PERMANENT);
        sim.run(BOUND_MS);
        assertThat(o.ok()).as("registered within %d ms: %s", BOUND_MS, o.error).isTrue();
    }
}
