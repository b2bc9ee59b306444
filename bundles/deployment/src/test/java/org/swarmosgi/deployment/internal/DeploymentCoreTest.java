package org.swarmosgi.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.deployment.Deployment.State;

/** The deployment state machine in small, deterministic clusters ({@link Sim}). */
class DeploymentCoreTest {

    private static final String V1 = Sim.sha("device 1.0.0");
    private static final String V2 = Sim.sha("device 2.0.0");

    private final Sim sim = new Sim(1);
    private final Sim.Node a = sim.add("a");
    private final Sim.Node b = sim.add("b");
    private final Sim.Node c = sim.add("c");

    private void upAll() {
        sim.up(a);
        sim.up(b);
        sim.up(c);
    }

    private void assertRunsEverywhere(String bsn, String sha, Sim.Node... nodes) {
        for (Sim.Node n : nodes) {
            assertThat(n.framework).as(n + "'s framework").containsEntry(bsn, sha);
            assertThat(n.active).as(n + "'s bundle").containsEntry(bsn, true);
            assertThat(n.core.report(bsn).state()).as(n + "'s report").isEqualTo(State.ACTIVE);
        }
    }

    @Test
    void aDeployOnOneNodeRunsOnEveryNodeAndEveryNodeSeesEveryState() {
        upAll();
        final Entry e = a.deploy("device", "1.0.0", V1);
        assertThat(e.generation()).isEqualTo(1);
        sim.settle(20);
        assertRunsEverywhere("device", V1, a, b, c);
        final List<Deployment> view = b.core.view();
        assertThat(view).hasSize(1);
        assertThat(view.get(0).nodes()).extracting(Deployment.NodeState::node).containsExactly("a", "b", "c");
        assertThat(view.get(0).nodes()).allMatch(n -> n.state() == State.ACTIVE && n.generation() == 1);
    }

    @Test
    void aNodeThatJoinsLaterFetchesWhatItLacks() {
        sim.up(a);
        sim.up(b);
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        sim.up(c);
        sim.settle(20);
        assertRunsEverywhere("device", V1, a, b, c);
    }

    @Test
    void undeployRemovesItEverywhereAndFreesTheBytes() {
        upAll();
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        final Entry gone = c.core.undeploy("device");
        assertThat(gone.generation()).isEqualTo(2);
        assertThat(gone.deployed()).isFalse();
        sim.settle(20);
        for (Sim.Node n : List.of(a, b, c)) {
            assertThat(n.framework).as(n.toString()).doesNotContainKey("device");
            assertThat(n.store).as(n.toString()).isEmpty();
            assertThat(n.core.report("device").state()).isEqualTo(State.REMOVED);
        }
        assertThatThrownBy(() -> a.core.undeploy("device")).hasMessage("device is not deployed");
        assertThatThrownBy(() -> a.core.undeploy("other")).hasMessage("other is not deployed");
    }

    @Test
    void aNewerVersionReplacesTheOlderInPlace() {
        upAll();
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        final Entry v2 = b.deploy("device", "2.0.0", V2);
        assertThat(v2.generation()).isEqualTo(2);
        sim.settle(20);
        assertRunsEverywhere("device", V2, a, b, c);
        assertThat(a.store).containsExactly(V2);
    }

    @Test
    void anUpgradeRollsOneNodeAtATimeInTheOrderOfTheirNames() {
        upAll();
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        c.deploy("device", "2.0.0", V2); // deployed on the last node: it still goes last
        while (sim.step()) {
            // Whenever a node updates, every node before it runs the new version already.
            if (b.framework.get("device").equals(V2)) {
                assertThat(a.framework).containsEntry("device", V2);
            }
            if (c.framework.get("device").equals(V2)) {
                assertThat(b.framework).containsEntry("device", V2);
            }
        }
        assertThat(b.core.report("device").state()).isIn(State.WAITING, State.ACTIVE);
        sim.settle(20);
        assertRunsEverywhere("device", V2, a, b, c);
        assertThat(sim.updates).containsExactly("a device " + V2, "b device " + V2, "c device " + V2);
    }

    @Test
    void aNodeWaitingForItsTurnSaysWhy_andUpdatesAnywayWhenTheNodeAheadStaysSilentPastTheWait() {
        upAll();
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        a.up = false; // silent, not (yet) declared down: it never reports the update
        b.deploy("device", "2.0.0", V2);
        sim.settle(4);
        for (Sim.Node n : List.of(b, c)) {
            assertThat(n.core.report("device").state()).as(n.toString()).isEqualTo(State.WAITING);
            assertThat(n.core.report("device").error()).isEqualTo("rolling upgrade: waits for a to update first");
            assertThat(n.framework).containsEntry("device", V1);
        }
        sim.settle((int) (Sim.ROLLING_WAIT_MS / 250) + 20);
        assertThat(sim.updates).containsExactly("b device " + V2, "c device " + V2);
    }

    @Test
    void aNodeAheadThatGoesDownReleasesTheNextAtOnce() {
        upAll();
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        a.up = false;
        b.deploy("device", "2.0.0", V2);
        sim.settle(4);
        assertThat(b.core.report("device").state()).isEqualTo(State.WAITING);
        b.core.nodeDown(a.id);
        c.core.nodeDown(a.id);
        sim.settle(20); // 5 s, well within the wait
        assertThat(sim.updates).containsExactly("b device " + V2, "c device " + V2);
        assertRunsEverywhere("device", V2, b, c);
    }

    @Test
    void concurrentDeploysSettleOnTheHigherVersionEverywhere() {
        upAll();
        a.deploy("device", "2.0.0", V2); // both at generation 1, before either hears of the other
        c.deploy("device", "1.0.0", V1);
        sim.settle(30);
        assertRunsEverywhere("device", V2, a, b, c);
        assertThat(sim.regression).isNull();
    }

    @Test
    void aLateMessageAboutAnOlderChangeNeverWins() {
        upAll();
        final Entry v1 = a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        b.deploy("device", "2.0.0", V2);
        sim.settle(20);
        // the first deploy's catalog message, replayed late
        c.core.onMessage(a.id, new Msg.Catalog(false, List.of(v1)));
        sim.settle(20);
        assertThat(c.core.entry("device").sha256()).isEqualTo(V2);
        assertRunsEverywhere("device", V2, a, b, c);
        // and a late deploy of v1 after an undeploy does not bring it back
        final Entry undeployed = a.core.undeploy("device");
        sim.settle(20);
        b.core.onMessage(a.id, new Msg.Catalog(true, List.of(v1)));
        sim.settle(20);
        assertThat(b.core.entry("device")).isEqualTo(undeployed);
        assertThat(b.framework).isEmpty();
    }

    @Test
    void deployingTheSameBytesAgainChangesNothing() {
        upAll();
        final Entry first = a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        assertThat(b.deploy("device", "1.0.0", V1)).isEqualTo(first);
        assertThat(sim.pending).isEmpty(); // nothing sent, nothing to install
    }

    @Test
    void aBundleThatDoesNotResolveIsReportedAndNothingElseIsTouched() {
        upAll();
        final String bad = Sim.sha("broken 1.0.0");
        sim.unresolvable.add(bad);
        a.deploy("device", "1.0.0", V1);
        a.deploy("broken", "1.0.0", bad);
        sim.settle(20);
        assertRunsEverywhere("device", V1, a, b, c);
        for (Sim.Node n : List.of(a, b, c)) {
            final Report r = n.core.report("broken");
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.error()).isEqualTo("cannot start broken: unresolved requirement");
        }
        assertThat(a.core.view().get(0).nodes()).allMatch(s -> s.state() == State.FAILED && !s.error().isEmpty());
    }

    @Test
    void aWrongHashIsReportedAndFetchedAgainUntilAGoodCopyIsThere() {
        sim.up(a);
        sim.up(b);
        sim.corrupted.add(V1);
        a.deploy("device", "1.0.0", V1);
        sim.settle(3);
        assertThat(b.core.report("device").state()).isIn(State.FAILED, State.FETCHING); // tried again meanwhile
        assertThat(b.core.report("device").error()).isEqualTo("wrong SHA-256");
        assertThat(b.framework).isEmpty();
        sim.corrupted.clear();
        sim.settle(20);
        assertRunsEverywhere("device", V1, a, b);
    }

    @Test
    void aFailedFetchIsTriedFromTheNextPeerThatHasTheBytes() {
        sim.up(a);
        sim.up(b);
        a.deploy("device", "1.0.0", V1);
        sim.settle(20);
        a.up = false; // a is gone, but nobody was told yet: c asks it first, then b
        sim.up(c);
        sim.settle(30);
        assertThat(c.framework).containsEntry("device", V1);
        assertThat(c.core.report("device").state()).isEqualTo(State.ACTIVE);
    }

    @Test
    void aRestartedNodeBringsTheFrameworkToItsKeptCatalogAlone() {
        final Entry device = new Entry("device", 2, true, "2.0.0", V2, 1000, "a");
        final Entry old = new Entry("old", 3, false, "1.0.0", Sim.sha("old"), 1000, "a");
        a.store.add(V2);
        a.framework.put("device", V1); // the framework kept an older one
        a.framework.put("old", Sim.sha("old")); // and one undeployed while this node was down
        a.core.restore(List.of(device, old), java.util.Set.of(V2), java.util.Map.of("device", V1, "old", Sim.sha("old")));
        sim.settle(10);
        assertThat(a.framework).containsExactly(java.util.Map.entry("device", V2));
        assertThat(a.core.report("device").state()).isEqualTo(State.ACTIVE);
        assertThat(a.core.report("old").state()).isEqualTo(State.REMOVED);
        // and it tells a peer that comes up, which had never heard of either
        sim.up(a);
        sim.up(b);
        sim.settle(20);
        assertRunsEverywhere("device", V2, a, b);
        assertThat(b.core.entry("old")).isEqualTo(old);
    }

    @Test
    void theCatalogIsBounded() {
        final Sim small = new Sim(2);
        final Sim.Node n = small.add("n");
        for (int i = 0; i < 64; i++) {
            n.deploy("b" + i, "1.0.0", Sim.sha("b" + i));
        }
        assertThatThrownBy(() -> n.deploy("one-more", "1.0.0", Sim.sha("x")))
                .hasMessageContaining("the catalog holds 64 bundles (max.deployments)");
    }
}
