package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NameIndexTest {
    private static final NodeId NODE = new NodeId("n", 1);
    /**
     * Names whose hashCodes collide (blocks of "Aa" and "BB" hash alike; "", "\0" and "\0\0" hash to 0, which
     * the table marks as 1, the hash of "\1"), Latin-1 above 127, UTF-16, empty, long.
     */
    private static final List<String> NAMES = names();

    private static List<String> names() {
        final List<String> out = new ArrayList<>();
        for (int bits = 0; bits < 256; bits++) {
            final StringBuilder b = new StringBuilder();
            for (int k = 0; k < 8; k++) {
                b.append((bits >> k & 1) == 0 ? "Aa" : "BB");
            }
            out.add(b.toString());
        }
        for (int i = 0; i < 700; i++) {
            out.add("device-" + i);
            out.add("caf\u00e9-" + i);
            out.add("\u540d\u524d-" + i);
        }
        out.add("");
        out.add("\0");
        out.add("\0\0");
        out.add("\1");
        out.add("device-".repeat(20));
        out.add("\u540d".repeat(1000));
        return List.copyOf(out);
    }

    /** The record a name gets at version v: its ref says which name it belongs to. */
    private static Record record(int nameIndex, long v) {
        return new Record(NAMES.get(nameIndex), new WorkerRef(NODE, (long) nameIndex << 32 | v), null, null, v, null);
    }

    private static Record record(String name) {
        return new Record(name, new WorkerRef(NODE, 1), null, null, 1, null);
    }

    /** An equal String with its own bytes, as a caller would have. */
    private static String copy(String s) {
        return new String(s.toCharArray());
    }

    @Provide
    Arbitrary<List<Integer>> ops() {
        // >= 0: put that name, < 0: remove name -op-1; long runs grow, shrink and rebuild the table.
        return Arbitraries.integers().between(-NAMES.size(), NAMES.size() - 1).list().ofMaxSize(3000);
    }

    @Property(tries = 200)
    void agreesWithAMapAfterEveryChange(@ForAll("ops") List<Integer> ops) {
        final NameIndex index = new NameIndex();
        final Map<String, Record> model = new HashMap<>();
        long v = 0;
        for (int op : ops) {
            if (op >= 0) {
                final Record r = record(op, ++v);
                index.put(r);
                model.put(r.name, r);
            } else {
                index.remove(copy(NAMES.get(-op - 1)));
                model.remove(NAMES.get(-op - 1));
            }
            final String probe = NAMES.get(Math.abs(op) % NAMES.size());
            assertThat(index.get(copy(probe))).isSameAs(model.get(probe));
        }
        for (String name : NAMES) {
            final Record r = model.get(name);
            assertThat(index.get(copy(name))).isSameAs(r);
            assertThat(index.whereis(copy(name))).isEqualTo(r == null ? null : r.ref);
        }
        final Map<String, WorkerRef> refs = new HashMap<>();
        model.forEach((n, r) -> refs.put(n, r.ref));
        assertThat(index.registered()).isEqualTo(refs);
    }

    /**
     * One writer churns puts and removes through growth, shrinking and rebuilds while readers look
     * names up: every record a reader finds must be one of that name's, and a name the writer never
     * removes must always be found.
     */
    @Test
    void namesMadeToShareAHashCodeDoNotTurnOperationsIntoScans() {
        // "Aa" and "BB" have one hashCode, so every string of 12 such pairs has the same: 4,096 names.
        final List<String> names = new ArrayList<>(List.of(""));
        for (int pair = 0; pair < 12; pair++) {
            final List<String> longer = new ArrayList<>();
            for (String n : names) {
                longer.add(n + "Aa");
                longer.add(n + "BB");
            }
            names.clear();
            names.addAll(longer);
        }
        assertThat(names.stream().map(String::hashCode).distinct()).hasSize(1);
        final NameIndex index = new NameIndex();
        for (String n : names) {
            index.put(record(n));
        }
        assertThat(index.keyed()).isTrue();
        assertThat(index.longestProbe()).isLessThanOrEqualTo(NameIndex.MAX_PROBE);
        for (String n : names) {
            assertThat(index.get(n)).as(n).isNotNull().extracting(r -> r.name).isEqualTo(n);
        }
        assertThat(index.registered()).hasSize(names.size());
    }

    @Test
    void randomNamesStayOnTheFastHash() {
        final NameIndex index = new NameIndex();
        for (int i = 0; i < 200_000; i++) {
            index.put(record("device-" + i));
        }
        assertThat(index.keyed()).isFalse();
    }

    @Test
    void readersNeverSeeAnotherNamesRecordThroughRebuilds() throws Exception {
        final Random random = new Random(7);
        withReaders(NAMES.size(), index -> {
            long v = 0;
            for (int round = 0; round < 20; round++) {
                // Fill most names (the table grows), churn, then remove most (rebuilds shrink it).
                final int span = 1 + random.nextInt(NAMES.size() - 1);
                for (int k = 0; k < 20_000; k++) {
                    final int i = Math.min(1 + random.nextInt(span), NAMES.size() - 1);
                    if (random.nextInt(3) != 0) {
                        index.put(record(i, ++v));
                    } else {
                        index.remove(NAMES.get(i));
                    }
                }
                for (int i = 1; i < NAMES.size(); i++) {
                    if (random.nextInt(8) != 0) {
                        index.remove(NAMES.get(i));
                    }
                }
            }
        });
    }

    /**
     * Names of one hashCode taken and given up as fast as the writer can: a slot that passed from one
     * name to another while a reader was between reading its key and its record would show here.
     */
    @Test
    void readersNeverSeeAnotherNamesRecordWhileCollidingNamesChurn() throws Exception {
        final Random random = new Random(11);
        withReaders(5, index -> {
            long v = 0;
            for (int k = 0; k < 3_000_000; k++) {
                final int i = 1 + random.nextInt(4);
                if ((k & 1) == 0) {
                    index.put(record(i, ++v));
                } else {
                    index.remove(NAMES.get(i));
                }
            }
        });
    }

    /**
     * A table grows by moving its names a few per put into a new one, never all in one put, and every
     * name stays found through the move, by the writer and by {@link NameIndex#registered}.
     */
    @Test
    void growsAFewNamesPerPutAndKeepsEveryNameMeanwhile() {
        final NameIndex index = new NameIndex();
        final Map<String, Record> model = new HashMap<>();
        int moves = 0;
        boolean wasMoving = false;
        for (int i = 0; i < 100_000; i++) {
            final Record r = record("device-" + i);
            index.put(r);
            model.put(r.name, r);
            if (i % 7 == 0) { // removals while names move: of a moved name and of one still in the old table
                final String gone = "device-" + (i / 2);
                index.remove(copy(gone));
                model.remove(gone);
            }
            final boolean moving = index.moving();
            if (moving && !wasMoving) {
                moves++;
            }
            wasMoving = moving;
            if (moving) {
                for (int k = i; k >= 0 && k > i - 50; k--) {
                    final String name = "device-" + k;
                    assertThat(index.get(copy(name))).isSameAs(model.get(name));
                }
            }
        }
        assertThat(moves).as("growths done by moving").isGreaterThanOrEqualTo(10);
        for (Map.Entry<String, Record> e : model.entrySet()) {
            assertThat(index.whereis(copy(e.getKey()))).isSameAs(e.getValue().ref);
        }
        final Map<String, WorkerRef> refs = new HashMap<>();
        model.forEach((n, r) -> refs.put(n, r.ref));
        assertThat(index.registered()).isEqualTo(refs);
    }

    @Test
    void aMoveEndsOnTheTickWhenPutsStop() {
        final NameIndex index = new NameIndex();
        int i = 0;
        while (!index.moving()) {
            index.put(record("device-" + i++));
        }
        final Map<String, WorkerRef> before = index.registered();
        while (index.moving()) {
            index.keepMoving(RegistryCore.NAME_INDEX_MOVE_PER_TICK);
        }
        assertThat(index.registered()).isEqualTo(before).hasSize(i);
    }

    /**
     * Readers look up names the writer put and never removes while it grows the table from empty many
     * times over: a reader that missed a name in the new table and then found the move finished (the old
     * table dropped) would report it missing.
     */
    @Test
    void readersAlwaysFindANamePutEarlierWhileTablesGrow() throws Exception {
        for (int run = 0; run < 20; run++) {
            final NameIndex index = new NameIndex();
            final String[] names = new String[50_000];
            for (int i = 0; i < names.length; i++) {
                names[i] = "w-" + i;
            }
            final java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicReference<String> error = new AtomicReference<>();
            final List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final long seed = run * 2L + t;
                readers.add(new Thread(() -> {
                    final SplittableRandom random = new SplittableRandom(seed);
                    while (!done.get() && error.get() == null) {
                        final int upTo = published.get();
                        if (upTo > 0) {
                            // Mostly the latest names: those a move has not reached yet.
                            final int i = random.nextBoolean() ? upTo - 1 - random.nextInt(Math.min(upTo, 64))
                                : random.nextInt(upTo);
                            if (index.whereis(copy(names[i])) == null) {
                                error.compareAndSet(null, "lost " + names[i] + " of " + upTo);
                            }
                        }
                    }
                }));
            }
            readers.forEach(Thread::start);
            try {
                for (int i = 0; i < names.length && error.get() == null; i++) {
                    index.put(record(names[i]));
                    published.set(i + 1);
                }
            } finally {
                done.set(true);
                for (Thread r : readers) {
                    r.join();
                }
            }
            assertThat(error.get()).isNull();
        }
    }

    /** Runs {@code writer} while two readers look up NAMES[0, names) (NAMES[0] is never removed). */
    private static void withReaders(int names, java.util.function.Consumer<NameIndex> writer) throws Exception {
        final NameIndex index = new NameIndex();
        final int kept = 0;
        index.put(record(kept, 0));
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<String> error = new AtomicReference<>();
        final AtomicLong found = new AtomicLong();
        final List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            final long seed = t;
            readers.add(new Thread(() -> {
                final SplittableRandom random = new SplittableRandom(seed);
                final String[] copies = NAMES.stream().limit(names).map(NameIndexTest::copy).toArray(String[]::new);
                long hits = 0;
                try {
                    while (!done.get() && error.get() == null) {
                        final int i = random.nextInt(names);
                        final Record r = index.get(copies[i]);
                        final WorkerRef ref = index.whereis(copies[i]);
                        if (r != null && (!r.name.equals(copies[i]) || r.ref.id() >>> 32 != i)) {
                            error.compareAndSet(null, copies[i] + " gave " + r);
                        }
                        if (ref != null && ref.id() >>> 32 != i) {
                            error.compareAndSet(null, copies[i] + " gave " + ref);
                        }
                        if (index.whereis(copies[kept]) == null) {
                            error.compareAndSet(null, "lost " + copies[kept]);
                        }
                        hits += r == null ? 0 : 1;
                    }
                } catch (RuntimeException e) {
                    error.compareAndSet(null, e.toString());
                }
                found.addAndGet(hits);
            }));
        }
        readers.forEach(Thread::start);
        try {
            writer.accept(index);
        } finally {
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
        }
        assertThat(error.get()).isNull();
        assertThat(found.get()).isPositive();
    }
}
