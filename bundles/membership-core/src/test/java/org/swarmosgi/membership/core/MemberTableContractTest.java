package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;

/** Random heartbeat, leave, replay and silence sequences against the Membership SPI contract. */
class MemberTableContractTest {

    private static final long MS = MemberTableTest.MS;

    /** One step: a heartbeat (fresh or replayed), a leave, or time passing and a detector check. */
    record Step(int kind, int name, int incarnation, int advanceMs) {
    }

    @Provide
    Arbitrary<Step> steps() {
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 4000)).as(Step::new);
    }

    @Property(tries = 300)
    void everySequenceKeepsTheContract(@ForAll @Size(max = 200) List<@net.jqwik.api.From("steps") Step> steps) {
        final MemberTable table = new MemberTable(MemberTableTest.SELF, Timing.DEFAULTS, 60_000 * MS);
        final Map<NodeId, Long> sent = new HashMap<>();
        final Map<String, NodeId> up = new HashMap<>();
        final Set<NodeId> replaced = new HashSet<>();
        final Set<NodeId> accepted = new HashSet<>();
        final List<MemberEvent> events = new ArrayList<>();
        long now = 1_000_000 * MS;

        for (Step step : steps) {
            events.clear();
            final NodeId id = new NodeId("n" + step.name(), step.incarnation());
            Counter refused = Counter.RECEIVED;
            if (step.kind() < 6) { // fresh heartbeat
                final long sequence = sent.merge(id, 1L, Long::sum);
                now += step.advanceMs() / 20 * MS;
                refused = table.onHeartbeat(MemberTableTest.beat(id.name(), id.incarnation(), sequence, false),
                        MemberTableTest.SOURCE, now, AdmissionFilter.ANY, events::add);
            } else if (step.kind() < 7) { // clean leave
                final long sequence = sent.merge(id, 1L, Long::sum);
                refused = table.onHeartbeat(MemberTableTest.beat(id.name(), id.incarnation(), sequence, true),
                        MemberTableTest.SOURCE, now, AdmissionFilter.ANY, events::add);
            } else if (step.kind() < 8) { // replay of an old packet
                final long sequence = sent.getOrDefault(id, 0L);
                refused = table.onHeartbeat(MemberTableTest.beat(id.name(), id.incarnation(), Math.max(0, sequence - 1), false),
                        MemberTableTest.SOURCE, now, AdmissionFilter.ANY, events::add);
            } else { // silence
                now += step.advanceMs() * MS * (step.kind() == 9 ? 30 : 1);
                table.check(now, events::add);
            }

            for (MemberEvent event : events) {
                final Member member = event.member();
                final String name = member.id().name();
                if (event.up()) {
                    assertThat(up).as("up %s while a %s is up", member, name).doesNotContainKey(name);
                    assertThat(replaced).as("a replaced incarnation came back").doesNotContain(member.id());
                    up.put(name, member.id());
                } else {
                    assertThat(up.get(name)).as("down %s that is not up", member).isEqualTo(member.id());
                    up.remove(name);
                    if (event.reason() == DownReason.REPLACED) {
                        replaced.add(member.id());
                    }
                }
            }
            if (refused == null) {
                // Model: the incarnation accepted last is the name's current one; any other is stale for good.
                for (NodeId earlier : accepted) {
                    if (earlier.name().equals(id.name()) && !earlier.equals(id)) {
                        replaced.add(earlier);
                    }
                }
                accepted.add(id);
            } else if (refused == Counter.REFUSED_STALE_INCARNATION) {
                assertThat(replaced).as("%s refused as stale", id).contains(id);
            }
            // Liveness: a fresh heartbeat of a live incarnation makes it the member; a leave removes it.
            if (step.kind() < 6 && !replaced.contains(id)) {
                assertThat(up.get(id.name())).as("after a fresh heartbeat of %s", id).isEqualTo(id);
            }
            if (step.kind() == 6) {
                assertThat(up.get(id.name())).as("after %s left", id).isNotEqualTo(id);
            }
        }
    }
}
