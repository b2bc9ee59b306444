package org.swarmosgi.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.Timer;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;
import org.swarmosgi.api.WorkerRef;

/** The counter through its public contract: the worker type's factory and the worker's handlers. */
class CounterTest {

    private final CounterType type = new CounterType();

    @Test
    void theTypeSpeaksUtf8BothWaysAndCheckpointsEverySecond() {
        assertThat(type.codec()).isSameAs(Codec.UTF8);
        assertThat(type.replyCodec()).isSameAs(Codec.UTF8);
        assertThat(type.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void callsAnswerTheCount() throws Exception {
        final Worker<String, String> counter = start("");

        assertThat(call(counter, "get")).isEqualTo("ok 0");
        assertThat(call(counter, "inc")).isEqualTo("ok 1");
        assertThat(call(counter, "inc")).isEqualTo("ok 2");
        assertThat(call(counter, "inc 40")).isEqualTo("ok 42");
        assertThat(call(counter, "  inc   0 ")).isEqualTo("ok 42");
        assertThat(call(counter, "get")).isEqualTo("ok 42");
        assertThat(call(counter, "reset")).isEqualTo("ok 0");
        assertThat(call(counter, "get")).isEqualTo("ok 0");
    }

    @Test
    void nextTakesANumberedStreamInOrderOnly() throws Exception {
        final Worker<String, String> counter = start("");

        counter.handleCast("next 1");
        counter.handleCast("next 2");
        assertThat(call(counter, "next 3")).isEqualTo("ok 3");
        assertThat(call(counter, "next 5")).isEqualTo("failed next 5 out of turn: the count is 3, so the next is 4");
        assertThat(call(counter, "next 3")).isEqualTo("failed next 3 out of turn: the count is 3, so the next is 4");
        assertThat(call(counter, "next 0")).startsWith("failed 'next' takes one argument, a whole number from 1");
        assertThat(call(counter, "next")).startsWith("failed 'next' takes one argument");
        assertThat(call(counter, "get")).isEqualTo("ok 3");
    }

    @Test
    void castsChangeTheCountWithoutAnswer() throws Exception {
        final Worker<String, String> counter = start("10");

        counter.handleCast("inc");
        counter.handleCast("inc 5");
        assertThat(call(counter, "get")).isEqualTo("ok 16");
        counter.handleCast("reset");
        assertThat(call(counter, "get")).isEqualTo("ok 0");
    }

    @Test
    void aBadCallFailsThatCallOnlyWithAClearMessage() throws Exception {
        final Worker<String, String> counter = start("7");

        assertThat(call(counter, "x")).isEqualTo("failed unknown command 'x': try inc, inc <n>, get, reset, next <n>");
        assertThat(call(counter, "")).isEqualTo("failed unknown command '': try inc, inc <n>, get, reset, next <n>");
        assertThat(call(counter, "INC")).startsWith("failed unknown command 'INC'");
        assertThat(call(counter, "inc abc")).isEqualTo(
                "failed bad amount 'abc': inc <n> takes a whole number from 0 to " + Long.MAX_VALUE);
        assertThat(call(counter, "inc -3")).startsWith("failed bad amount '-3'");
        assertThat(call(counter, "inc +3")).startsWith("failed bad amount '+3'");
        assertThat(call(counter, "inc 99999999999999999999")).startsWith("failed bad amount '99999999999999999999'");
        assertThat(call(counter, "inc 1 2")).startsWith("failed 'inc' takes at most one argument");
        assertThat(call(counter, "get 1")).isEqualTo("failed 'get' takes no argument: 'get 1'");
        assertThat(call(counter, "reset now")).isEqualTo("failed 'reset' takes no argument: 'reset now'");
        assertThat(call(counter, "bell\u0007" + "x".repeat(100)))
                .startsWith("failed unknown command 'bell?xxx").contains("...':").doesNotContain("\u0007");

        assertThat(call(counter, "get")).isEqualTo("ok 7");
    }

    @Test
    void anIncrementPastTheLargestCountFailsAndKeepsTheCount() throws Exception {
        final Worker<String, String> counter = start(Long.toString(Long.MAX_VALUE - 1));

        assertThat(call(counter, "inc")).isEqualTo("ok " + Long.MAX_VALUE);
        assertThat(call(counter, "inc")).startsWith("failed inc 1 would take the count " + Long.MAX_VALUE + " past");
        assertThatThrownBy(() -> counter.handleCast("inc 2")).isInstanceOf(ArithmeticException.class);
        assertThat(call(counter, "get")).isEqualTo("ok " + Long.MAX_VALUE);
    }

    @Test
    void aBadCastThrowsSoTheContainerFailsThatMessageOnly() throws Exception {
        final Worker<String, String> counter = start("3");

        assertThatThrownBy(() -> counter.handleCast("x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown command 'x': try inc, inc <n>, get, reset, next <n>");
        assertThatThrownBy(() -> counter.handleCast("get"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'get' must be a call");
        assertThat(call(counter, "get")).isEqualTo("ok 3");
    }

    @Test
    void startArgumentsAreAnOptionalInitialCount() throws Exception {
        assertThat(call(start(null), "get")).isEqualTo("ok 0");
        assertThat(call(start(" \n"), "get")).isEqualTo("ok 0");
        assertThat(call(start(" 42\n"), "get")).isEqualTo("ok 42");
        assertThat(call(type.create(context(CounterType.args(9))), "get")).isEqualTo("ok 9");
    }

    @Test
    void badStartArgumentsFailTheFactoryWithAClearMessage() {
        assertThatThrownBy(() -> start("ten")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("counter start argument must be an initial count from 0 to " + Long.MAX_VALUE
                        + ", was 'ten'");
        assertThatThrownBy(() -> start("-1")).hasMessageContaining("was '-1'");
        assertThatThrownBy(() -> start("1 2")).hasMessageContaining("was '1 2'");
        assertThatThrownBy(() -> type.create(context(new byte[] {(byte) 0xff, 0x31})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("are not UTF-8");
    }

    @Test
    void aHandoffCarriesTheCountAsEightBytesBigEndian() throws Exception {
        final Worker<String, String> old = start("0");
        call(old, "inc 258");

        final HandoffDecision decision = old.beginHandoff();

        assertThat(decision.kind()).isEqualTo(HandoffDecision.Kind.RESUME);
        assertThat(decision.state()).containsExactly(0, 0, 0, 0, 0, 0, 1, 2);
        final Worker<String, String> moved = start("");
        moved.endHandoff(decision.state());
        assertThat(call(moved, "inc")).isEqualTo("ok 259");
    }

    @Test
    void theCheckpointIsTheHandoffStateAndRestoresACrashedCounter() throws Exception {
        final Worker<String, String> counter = start("");
        call(counter, "inc 99");

        final byte[] checkpoint = counter.checkpoint();

        assertThat(checkpoint).containsExactly(counter.beginHandoff().state());
        final Worker<String, String> restarted = start("5"); // its start args, then the checkpoint
        restarted.endHandoff(checkpoint);
        assertThat(call(restarted, "get")).isEqualTo("ok 99");
    }

    @Test
    void malformedStateIsRefused() throws Exception {
        final Worker<String, String> counter = start("4");

        assertThatThrownBy(() -> counter.endHandoff(new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 8 bytes").hasMessageContaining("was 3 bytes");
        assertThatThrownBy(() -> counter.endHandoff(state(-1))).hasMessageContaining("negative");
        assertThatThrownBy(() -> counter.resolveConflict(new byte[9])).hasMessageContaining("8 bytes");
        assertThat(call(counter, "get")).isEqualTo("ok 4");
    }

    @Test
    void aConflictKeepsTheLargerCount() throws Exception {
        final Worker<String, String> winner = start("10");

        winner.resolveConflict(state(7));
        assertThat(call(winner, "get")).isEqualTo("ok 10");

        winner.resolveConflict(state(15));
        assertThat(call(winner, "get")).isEqualTo("ok 15");

        winner.resolveConflict(null); // the loser had no checkpoint
        assertThat(call(winner, "get")).isEqualTo("ok 15");
    }

    // ---------------------------------------------------------------- helpers

    private Worker<String, String> start(String args) throws Exception {
        final Worker<String, String> worker =
                type.create(context(args == null ? new byte[0] : args.getBytes(StandardCharsets.UTF_8)));
        worker.onStart(context(new byte[0]));
        return worker;
    }

    private static byte[] state(long count) {
        return ByteBuffer.allocate(8).putLong(count).array();
    }

    /** Calls the worker and reads its answer: "ok <value>" or "failed <reason>". */
    private static String call(Worker<String, String> worker, String message) throws Exception {
        final RecordingReply reply = new RecordingReply();
        worker.handleCall(message, reply);
        assertThat(reply.isDone()).as("answered at once: " + message).isTrue();
        return reply.answer;
    }

    /** The caller's side of the Reply contract: the first answer counts, later ones are refused. */
    private static final class RecordingReply implements Reply<String> {
        String answer;

        @Override
        public boolean reply(String value) {
            assertThat(value).isNotNull();
            return answer("ok " + value);
        }

        @Override
        public boolean fail(String reason) {
            return answer("failed " + reason);
        }

        @Override
        public boolean isDone() {
            return answer != null;
        }

        private boolean answer(String text) {
            if (answer != null) {
                throw new AssertionError("answered twice: " + answer + ", then " + text);
            }
            answer = text;
            return true;
        }
    }

    private static WorkerContext<String> context(byte[] args) {
        return new WorkerContext<>() {
            @Override public String name() { return "counter-1"; }
            @Override public WorkerRef self() { return new WorkerRef(new NodeId("alpha", 1), 1); }
            @Override public byte[] args() { return args.clone(); }
            @Override public StartReason startReason() { return StartReason.FIRST_START; }
            @Override public SwarmRegistry registry() { throw new UnsupportedOperationException("not used"); }
            @Override public Executor mailbox() { return Runnable::run; }
            @Override public Timer schedule(Duration delay, String message) {
                throw new UnsupportedOperationException("not used");
            }
            @Override public void stopSelf() { throw new UnsupportedOperationException("not used"); }
            @Override public void checkpointNow() { throw new UnsupportedOperationException("not used"); }
        };
    }
}
