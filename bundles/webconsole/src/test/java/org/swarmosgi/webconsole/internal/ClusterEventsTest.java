package org.swarmosgi.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.membership.DownReason;

class ClusterEventsTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static Member member(String name) {
        return new Member(new NodeId(name, 7), new Endpoint("127.0.0.1", 40000));
    }

    static WorkerRef ref(String node, long id) {
        return new WorkerRef(new NodeId(node, 7), id);
    }

    @Test
    void keepsTheLastEventsNewestFirst_andCountsAll() {
        final ClusterEvents events = new ClusterEvents(clock, 3);
        for (int i = 0; i < 5; i++) {
            events.memberUp(member("n" + i));
        }
        assertThat(events.recent()).extracting(ClusterEvents.Event::node).containsExactly("n4", "n3", "n2");
        assertThat(events.total()).isEqualTo(5);
    }

    @Test
    void aNodeDownIsRememberedUntilItComesBack() {
        final ClusterEvents events = new ClusterEvents(clock, 10);
        events.memberUp(member("a"));
        events.memberDown(member("a"), DownReason.FAILED);
        assertThat(events.down()).extracting(d -> d.member().id().name()).containsExactly("a");
        assertThat(events.recent().get(0).kind()).isEqualTo(ClusterEvents.Kind.DOWN);
        assertThat(events.recent().get(0).detail()).isEqualTo("failed");
        events.memberUp(member("a"));
        assertThat(events.down()).isEmpty();
    }

    @Test
    void downNodesAreBounded_oldestForgottenFirst() {
        final ClusterEvents events = new ClusterEvents(clock, 10);
        for (int i = 0; i <= ClusterEvents.MAX_DOWN; i++) {
            events.memberDown(member("n" + i), DownReason.LEFT);
        }
        assertThat(events.down()).hasSize(ClusterEvents.MAX_DOWN);
        assertThat(events.down().get(0).member().id().name()).isEqualTo("n1");
    }

    @Test
    void aNameOnAnotherNodeMoved_onTheSameNodeRestarted_evenWhenTheOldRefWasUnregisteredFirst() {
        final ClusterEvents events = new ClusterEvents(clock, 10);
        events.names(Map.of("c1", ref("a", 1)));
        events.unregistered("c1", ref("a", 1), StopReason.NODE_DOWN); // the registry replaces: old out, new in
        events.registered("c1", ref("b", 2));
        events.registered("c1", ref("b", 3));
        assertThat(events.recent()).extracting(ClusterEvents.Event::kind)
                .containsExactly(ClusterEvents.Kind.RESTART, ClusterEvents.Kind.MOVE);
        assertThat(events.recent().get(1).detail()).isEqualTo("c1 from a");
        assertThat(events.recent().get(1).node()).isEqualTo("b");
    }

    @Test
    void anUnregisteredNameRegisteredAgainIsNoMove() {
        final ClusterEvents events = new ClusterEvents(clock, 10);
        events.registered("c1", ref("a", 1));
        events.unregistered("c1", ref("a", 1), StopReason.UNREGISTERED);
        events.registered("c1", ref("b", 2));
        assertThat(events.recent()).isEmpty();
    }
}
