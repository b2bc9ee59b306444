package org.swarmosgi.clusterconfig.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random histories of sets, secret sets and deletes made on random nodes, with nodes joining late,
 * restarting (from their state file and their templates, a template edited while down), partitions
 * that come and go, messages lost, delivered in any order and ConfigAdmin's events heard late: once
 * partitions heal and messages flow, every node has the same catalog, each PID at the greatest change
 * made to it, every node's ConfigAdmin holds exactly that (its own secrets kept, no other's), no
 * message ever carried a secret, no entry ever went backwards, and no write was echoed back as a change.
 */
class ConfigModelTest {

    private static final String[] PIDS = {"app.a", "app.b", "app.c", "local.x"};
    private static final String[] KEYS = {"size", "mode", "list"};

    @Property(tries = 300, seed = "20261130") // fixed: the build runs the same histories every time; explore with the seed removed
    void everyNodeConvergesOnTheLastWriter(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int size,
                                           @ForAll @IntRange(min = 1, max = 40) int operations) {
        final Sim sim = new Sim(seed);
        sim.lossPercent = sim.random.nextInt(3) * 10;
        final List<Sim.Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            final Sim.Node n = sim.add("n" + i);
            if (sim.random.nextBoolean()) { // its etc/ files
                n.template.put("app.a", props("size", new Value(Value.Kind.STRING, "t" + i)));
            }
            nodes.add(n);
        }
        nodes.get(0).start();
        int edits = 0;
        for (int op = 0; op < operations; op++) {
            final int dice = sim.random.nextInt(20);
            final Sim.Node n = pickUp(sim, nodes);
            final String pid = PIDS[sim.random.nextInt(PIDS.length)];
            if (dice < 7) {
                n.set(pid, KEYS[sim.random.nextInt(KEYS.length)], value(sim));
                edits++;
            } else if (dice == 7 && sim.random.nextBoolean()) {
                n.editFile(pid, KEYS[sim.random.nextInt(KEYS.length)], value(sim));
                edits++;
            } else if (dice < 8) {
                if (!n.admin.containsKey(pid)) {
                    edits++; // creating a PID is a change, even with a secret only
                }
                n.set(pid, "db.password", new Value(Value.Kind.STRING, n.name + "-" + op));
            } else if (dice < 10) {
                n.delete(pid);
                edits++;
            } else if (dice < 11) {
                nodes.stream().filter(x -> !x.up).findFirst().ifPresent(Sim.Node::start);
            } else if (dice < 12 && nodes.stream().filter(x -> x.up).count() > 1) {
                sim.stop(n); // and starts again from its state file, its template perhaps edited meanwhile
                if (sim.random.nextBoolean()) {
                    n.template.put("app.b", props("mode", value(sim)));
                    edits++;
                }
                n.start();
            } else if (dice < 14) {
                sim.partition(pickUp(sim, nodes), pickUp(sim, nodes));
            } else if (dice < 15) {
                sim.heal();
            } else {
                for (int i = sim.random.nextInt(8); i > 0 && sim.step(); i--) {
                    // some messages and events arrive, in any order
                }
            }
        }
        nodes.stream().filter(x -> !x.up).forEach(Sim.Node::start);
        sim.heal();
        sim.lossPercent = 0;
        sim.settle(20);

        assertThat(sim.violation).isNull();
        final List<Entry> catalog = nodes.get(0).core.catalog();
        for (Entry e : catalog) {
            assertThat(e).as("winner of " + e.pid()).isEqualTo(sim.greatest.get(e.pid()));
        }
        assertThat(catalog).hasSize(sim.greatest.size());
        long changes = 0;
        for (Sim.Node n : nodes) {
            assertThat(n.core.catalog()).as(n + "'s catalog").isEqualTo(catalog);
            for (Entry e : catalog) {
                final Sim.Config held = n.admin.get(e.pid());
                if (e.deleted()) {
                    assertThat(held).as(n + " deleted " + e.pid()).isNull();
                } else {
                    assertThat(held).as(n + " holds " + e.pid()).isNotNull();
                    assertThat(Sim.shared(held.props())).as(n + "'s " + e.pid()).isEqualTo(e.props());
                }
                assertThat(n.core.applied(e.pid())).isTrue();
            }
            for (var c : n.admin.entrySet()) {
                final Value secret = c.getValue().props().get("db.password");
                if (secret != null) {
                    assertThat(secret).as(n + "'s secret of " + c.getKey()).isEqualTo(n.secrets.get(c.getKey()));
                }
            }
            assertThat(n.core.digest()).as(n + "'s digest").isEqualTo(nodes.get(0).core.digest());
            changes += n.core.counts().localChanges();
        }
        assertThat(changes).as("new generations made, against edits").isLessThanOrEqualTo(edits);
    }

    /**
     * Found exploring (seed 7885199758927485610): n0, started alone from its template of app.a, sets a secret on
     * it; the shared keys were sent as generation 1 though no edit changed them. Also ConfigCoreTest's
     * aSecretSetOnAPidHeldFromTheTemplateOnlyIsNotAChange.
     */
    @Example
    void aSecretSetOnATemplatesPidMakesNoGeneration() {
        everyNodeConvergesOnTheLastWriter(-28, 2, 1);
    }

    private static SortedMap<String, Value> props(String key, Value v) {
        final SortedMap<String, Value> p = new java.util.TreeMap<>();
        p.put(key, v);
        return p;
    }

    private static Value value(Sim sim) {
        return switch (sim.random.nextInt(4)) {
            case 0 -> new Value(Value.Kind.LONG, (long) sim.random.nextInt(3));
            case 1 -> new Value(Value.Kind.STRING, "s" + sim.random.nextInt(3));
            case 2 -> new Value(Value.Kind.STRING_ARRAY, List.of("x", "y" + sim.random.nextInt(2)));
            default -> new Value(Value.Kind.DOUBLE, sim.random.nextInt(3) / 2.0);
        };
    }

    private static Sim.Node pickUp(Sim sim, List<Sim.Node> nodes) {
        final List<Sim.Node> up = nodes.stream().filter(n -> n.up).toList();
        return up.get(sim.random.nextInt(up.size()));
    }
}
