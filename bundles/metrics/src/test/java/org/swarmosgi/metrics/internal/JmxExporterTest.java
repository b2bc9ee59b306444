package org.swarmosgi.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

class JmxExporterTest {

    private final AtomicLong bad = new AtomicLong();
    private final MetricSource source = new MetricSource() {
        @Override
        public String group() {
            return "JmxTest";
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.counter("swarm_jmxtest_dropped_total", "dropped", Map.of("reason", "BAD_MAC"), bad.get()),
                Metric.gauge("swarm_jmxtest_members", "members", 3));
        }
    };

    @Test
    void aGroupIsAnMBeanOnThePlatformServerReadLiveAndGoneWithItsLastSource() throws Exception {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = new ObjectName("org.swarmosgi:type=JmxTest");
        final Sources sources = new Sources();
        try (JmxExporter jmx = new JmxExporter(sources)) {
            sources.add(source);
            jmx.sync();
            assertThat(Arrays.stream(server.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName))
                .containsExactly("dropped_total_BAD_MAC", "members");
            bad.set(5);
            assertThat(server.getAttribute(name, "dropped_total_BAD_MAC")).isEqualTo(5L);
            assertThat(server.getAttribute(name, "members")).isEqualTo(3L);
            sources.remove(source);
            jmx.sync();
            assertThat(server.isRegistered(name)).isFalse();
            sources.add(source);
            jmx.sync();
            assertThat(server.isRegistered(name)).isTrue();
        }
        assertThat(server.isRegistered(name)).isFalse();
    }
}
