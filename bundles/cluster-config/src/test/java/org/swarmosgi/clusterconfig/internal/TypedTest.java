package org.swarmosgi.clusterconfig.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** swarm:config's typing of values, and its lines. */
class TypedTest {

    @Test
    void aValueKeepsTheTypeOfTheOneItReplacesStringWhenNew() {
        assertThat(Typed.parse("5", null)).isEqualTo("5");
        assertThat(Typed.parse(" 5", 1L)).isEqualTo(5L);
        assertThat(Typed.parse("7", 1)).isEqualTo(7);
        assertThat(Typed.parse("TRUE", false)).isEqualTo(true);
        assertThat(Typed.parse("0.5", 1.0)).isEqualTo(0.5);
        assertThat(Typed.parse("1, 2", new long[] {9})).isEqualTo(new long[] {1, 2});
        assertThat(Typed.parse("a,b", new String[] {"x"})).isEqualTo(new String[] {"a", "b"});
        assertThatThrownBy(() -> Typed.parse("five", 1L)).hasMessage("'five' is not a Long (the key is one)");
        assertThatThrownBy(() -> Typed.parse("yes", true)).hasMessageContaining("is not true or false");
        assertThatThrownBy(() -> Typed.parse("1", 1.5f)).hasMessageContaining("cannot be shared");
    }

    @Test
    void listLinesFitEightyColumnsAndShowTypes() {
        final TreeMap<String, Value> props = new TreeMap<>();
        props.put("size", Value.of(5L));
        props.put("long", Value.of("x".repeat(200)));
        final Entry e = new Entry("app.a", 2, "node-a", false, props);
        final ClusterConfigComponent.View v = new ClusterConfigComponent.View("node-b", List.of(e),
                java.util.Map.of("app.a", true), java.util.Set.of("node-a"), new ConfigCore.Counts(0, 1, 1, 0, 2),
                List.of("an error\u0007", "x".repeat(100) + " " + "long words wrapped ".repeat(8)), new Policy(List.of("app.*"), List.of()));
        final String text = ConfigReport.list(v, null, false);
        assertThat(text).contains("app.a  gen 2 by node-a  applied", "  size = 5 (Long)",
                "refused: 0 local configurations, 2 messages", "! an error?");
        assertThat(text.lines()).allMatch(l -> l.length() <= 80);
        assertThat(text).contains("\n  " + "x".repeat(22) + " long words wrapped long");
        assertThat(ConfigReport.list(v, "app.a", true)).startsWith("{\"node\":\"node-b\",\"peers\":[\"node-a\"],"
                + "\"entries\":[{\"pid\":\"app.a\",\"generation\":2,\"origin\":\"node-a\"");
        assertThat(ConfigReport.error("set", "bad", true)).isEqualTo("{\"error\":\"cannot set: bad\"}");
    }
}
