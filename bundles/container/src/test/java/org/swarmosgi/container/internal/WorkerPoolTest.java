package org.swarmosgi.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run queue's wake-ups: a thread running a brief task is not woken for the next one, and no task is ever left waiting. */
class WorkerPoolTest {
    private final List<WorkerPool> pools = new ArrayList<>();

    @AfterEach
    void tearDown() {
        pools.forEach(p -> p.close(1_000));
    }

    private WorkerPool pool(int threads) {
        final WorkerPool p = new WorkerPool(threads, "test-pool-");
        pools.add(p);
        return p;
    }

    /** Runs {@code rounds} times, each time submitting itself again (at the back or, if brief, the front). */
    private static final class Repeating extends WorkerPool.Task {
        final WorkerPool pool;
        final boolean brief;
        final AtomicInteger left;
        final AtomicInteger done;
        final Repeating[] spawn;
        final AtomicBoolean queued = new AtomicBoolean();

        Repeating(WorkerPool pool, boolean brief, int rounds, AtomicInteger done, Repeating... spawn) {
            this.pool = pool;
            this.brief = brief;
            this.left = new AtomicInteger(rounds);
            this.done = done;
            this.spawn = spawn;
        }

        void kick() {
            if (queued.compareAndSet(false, true)) {
                if (brief) {
                    pool.submitFirst(this);
                } else {
                    pool.submit(this);
                }
            }
        }

        @Override
        boolean brief() {
            return brief;
        }

        @Override
        void runTask() {
            queued.set(false);
            for (Repeating r : spawn) {
                r.kick(); // from inside a (brief) task: the wake-up may be skipped, the task must still run
            }
            final int l = left.decrementAndGet();
            if (l > 0) {
                kick();
            } else if (l == 0) {
                done.incrementAndGet(); // later kicks by the lane find it done and count nothing
            }
        }
    }

    @Test
    void everyTaskRunsWhateverTheMixOfSubmittersAndBriefTasks() throws Exception {
        for (int threads = 1; threads <= 3; threads++) {
            final WorkerPool p = pool(threads);
            final AtomicInteger done = new AtomicInteger();
            final int rounds = 20_000;
            final Repeating[] workers = new Repeating[4];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Repeating(p, false, rounds, done);
            }
            final Repeating lane = new Repeating(p, true, rounds, done, workers);
            final List<Thread> submitters = new ArrayList<>();
            for (Repeating r : List.of(lane, workers[0], workers[1])) {
                final Thread t = new Thread(r::kick);
                submitters.add(t);
                t.start();
            }
            for (Thread t : submitters) {
                t.join();
            }
            // A lost wake-up leaves a task queued with every thread parked: this would time out.
            final int expected = 1 + workers.length;
            await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == expected);
            assertThat(done.get()).as("tasks that ran all their rounds, " + threads + " threads").isEqualTo(expected);
        }
    }

    @Test
    void aTaskSubmittedWhileEveryThreadIsParkedIsRun() {
        final WorkerPool p = pool(2);
        final AtomicInteger done = new AtomicInteger();
        for (int i = 1; i <= 200; i++) {
            // Let both threads park before each submit.
            await().pollDelay(Duration.ofMillis(1)).until(() -> true);
            new Repeating(p, i % 2 == 0, 1, done).kick();
            final int expected = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == expected);
        }
    }
}
