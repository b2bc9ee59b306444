package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import org.junit.jupiter.api.Test;

/** The refusal log: one line per (source, reason) and interval with counts; a table that never fills for good. */
class RefusalLogTest {
    private static final long SECOND = 1_000_000_000L;

    /** A System.Logger that keeps what it is given. */
    private static final class Lines implements System.Logger {
        final List<String> lines = new ArrayList<>();
        final List<Throwable> traces = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
            traces.add(thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(java.text.MessageFormat.format(format, params));
        }
    }

    @Test
    void aFloodFromOneSourceIsOneLineThenACountPerInterval() {
        final Lines out = new Lines();
        final RefusalLog log = new RefusalLog(out, "n", 10 * SECOND, 1024);
        for (int i = 0; i < 100_000; i++) {
            log.refused("10.0.0.1:4000", TransportStats.Drop.BAD_MAC, i * 1000L); // 100 ms of datagrams
        }
        assertThat(out.lines).hasSize(1);
        log.roll(11 * SECOND);
        assertThat(out.lines).hasSize(2);
        assertThat(out.lines.get(1)).contains("99,999 more from 10.0.0.1:4000: BAD_MAC");
        // A new interval: the pair is logged again at once, not silenced for good.
        log.refused("10.0.0.1:4000", TransportStats.Drop.BAD_MAC, 12 * SECOND);
        assertThat(out.lines).hasSize(3);
    }

    @Test
    void manySourcesAreBoundedAndForgottenWhenTheIntervalEnds() {
        final Lines out = new Lines();
        final RefusalLog log = new RefusalLog(out, "n", 10 * SECOND, 16);
        for (int i = 0; i < 10_000; i++) {
            log.refused("10.0." + (i / 256) + "." + (i % 256) + ":1", TransportStats.Drop.MALFORMED, i);
        }
        assertThat(log.tracked()).isEqualTo(16);
        assertThat(out.lines).hasSize(16);
        log.roll(11 * SECOND);
        assertThat(out.lines.get(out.lines.size() - 1)).contains("9,984 more refusals from other sources");
        assertThat(log.tracked()).isZero();
        log.refused("192.168.1.1:1", TransportStats.Drop.MALFORMED, 12 * SECOND);
        assertThat(out.lines.get(out.lines.size() - 1)).contains("192.168.1.1:1");
    }

    @Test
    void aDriverErrorPerDatagramIsOneStackTracePerInterval() {
        final Lines out = new Lines();
        final RefusalLog log = new RefusalLog(out, "n", 10 * SECOND, 1024);
        for (int i = 0; i < 1000; i++) {
            log.error(new IllegalStateException("invalid frame from 10.0.0.1"), i);
        }
        assertThat(out.traces.stream().filter(t -> t != null).count()).isEqualTo(1);
        log.roll(11 * SECOND);
        assertThat(out.lines.get(out.lines.size() - 1)).contains("999 more from aeron");
    }
}
