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
        for (int i = 0; i < 1000; i++) {
            final String name = "name-" + i;
            if (owner.test(node.core.ownerOf(name))) {
                return name;
            }
        }
        throw new AssertionError("no such name");
    }
}
