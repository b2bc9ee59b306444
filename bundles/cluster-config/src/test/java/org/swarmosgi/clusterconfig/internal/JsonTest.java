package org.swarmosgi.clusterconfig.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static final Json.Limits LIMITS = new Json.Limits(4, 1024);

    private static SortedMap<String, Value> every() {
        final SortedMap<String, Value> p = new TreeMap<>();
        p.put("s", Value.of("text \"quoted\" \u00e9"));
        p.put("l", Value.of(Long.MIN_VALUE));
        p.put("i", Value.of(Integer.MAX_VALUE));
        p.put("b", Value.of(true));
        p.put("d", Value.of(0.1));
        p.put("sa", Value.of(new String[] {"a", ""}));
        p.put("la", Value.of(new Long[] {1L}));
        p.put("ia", Value.of(new Integer[] {}));
        p.put("ba", Value.of(new Boolean[] {false}));
        p.put("da", Value.of(new Double[] {1e300}));
        p.put("lp", Value.of(new long[] {7}));
        p.put("ip", Value.of(new int[] {8}));
        p.put("bp", Value.of(new boolean[] {true}));
        p.put("dp", Value.of(new double[] {-2.5}));
        return p;
    }

    @Test
    void everyMessageAndTypeRoundTripsAndBackToConfigAdminTypes() {
        final Msg catalog = new Msg.Catalog(true, List.of(new Entry("app.a", 3, "n1", false, every()),
                new Entry("f~x", 1, "n2", true, new TreeMap<>())));
        assertThat(Json.decode(Json.encode(catalog), LIMITS)).isEqualTo(catalog);
        final Msg digest = new Msg.Digest("ab".repeat(32));
        assertThat(Json.decode(Json.encode(digest), LIMITS)).isEqualTo(digest);
        assertThat(every().get("lp").toConfig()).isEqualTo(new long[] {7});
        assertThat(every().get("la").toConfig()).isEqualTo(new Long[] {1L});
        assertThat(every().get("d").toConfig()).isEqualTo(0.1);
    }

    @Test
    void theStateRoundTrips() {
        final Map<String, SortedMap<String, Value>> baselines = new TreeMap<>();
        baselines.put("app.a", every());
        baselines.put("app.b", null);
        final List<Entry> entries = List.of(new Entry("app.a", 2, "n", false, every()));
        final Json.State state = new Json.State(entries, baselines, Map.of("app.c", every()));
        assertThat(Json.readState(Json.state(state), LIMITS)).isEqualTo(state);
    }

    @Test
    void valuesThatCannotBeSharedAreRefusedNamingWhy() {
        assertThatThrownBy(() -> Value.of(1.5f)).hasMessageContaining("java.lang.Float cannot be shared");
        assertThatThrownBy(() -> Value.of(List.of("a"))).hasMessageContaining("cannot be shared");
        assertThatThrownBy(() -> Value.of(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Value.of(new String[Value.MAX_ITEMS + 1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badDocumentsAreRefusedNamingWhat() {
        refused("{\"v\":2,\"kind\":\"digest\",\"sha256\":\"" + "a".repeat(64) + "\"}", "unknown protocol version 2");
        refused("{\"v\":1,\"kind\":\"gossip\"}", "unknown message kind 'gossip'");
        refused("{\"v\":1,\"kind\":\"digest\",\"sha256\":\"xyz\"}", "64 lower-case hex digits");
        refused("{\"v\":1,\"kind\":\"digest\",\"sha256\":\"" + "a".repeat(64) + "\"} {}", "content after the document");
        refused(catalog("{\"k\":{\"type\":\"Float\",\"value\":1.5}}"), "unknown value type 'Float'");
        refused(catalog("{\"k\":{\"type\":\"Integer\",\"value\":4294967296}}"), "malformed JSON");
        refused(catalog("{\"k\":{\"type\":\"Long\",\"value\":\"5\"}}"), "a Long value cannot be VALUE_STRING");
        refused(catalog("{\"k\":{\"type\":\"Double\",\"value\":1e999}}"), "NaN and infinite");
        refused(catalog("{\"k\":{\"type\":\"String\",\"value\":\"" + "x".repeat(1100) + "\"}}"), "malformed JSON");
        refused(catalog("{\"k\":{\"type\":\"String\",\"value\":\"a\"},\"k\":{\"type\":\"String\",\"value\":\"b\"}}"),
                "Duplicate field");
        refused("{\"v\":1,\"kind\":\"catalog\",\"whole\":false,\"entries\":[{\"pid\":\"p\",\"generation\":1,"
                + "\"origin\":\"n\",\"deleted\":true,\"props\":{\"k\":{\"type\":\"Long\",\"value\":1}}}]}",
                "a deleted PID has no properties");
        refused("{\"v\":1,\"kind\":\"catalog\",\"whole\":false,\"entries\":[{\"pid\":\"p\",\"generation\":0,"
                + "\"origin\":\"n\",\"deleted\":true,\"props\":{}}]}", "generation must be at least 1");
        final StringBuilder many = new StringBuilder("{\"v\":1,\"kind\":\"catalog\",\"whole\":false,\"entries\":[");
        for (int i = 0; i < 5; i++) {
            many.append(i == 0 ? "" : ",").append("{\"pid\":\"p").append(i)
                    .append("\",\"generation\":1,\"origin\":\"n\",\"deleted\":true,\"props\":{}}");
        }
        refused(many + "]}", "more than 4 entries");
        assertThatThrownBy(() -> Json.decode(new byte[(int) LIMITS.maxDocument() + 1], LIMITS))
                .hasMessageContaining("above the limit");
    }

    @Test
    void randomAndMutatedBytesOnlyEverDecodeOrThrowIllegalArgument() {
        final Random random = new Random(7);
        final byte[] good = Json.encode(new Msg.Catalog(true, List.of(new Entry("app.a", 3, "n1", false, every()))));
        for (int i = 0; i < 3000; i++) {
            final byte[] b = good.clone();
            for (int m = random.nextInt(4); m >= 0; m--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            final byte[] input = i % 3 == 0 ? java.util.Arrays.copyOf(b, random.nextInt(b.length)) : b;
            try {
                Json.decode(input, new Json.Limits(4, 65536));
            } catch (IllegalArgumentException expected) {
                // refused, naming why
            }
        }
    }

    private static String catalog(String props) {
        return "{\"v\":1,\"kind\":\"catalog\",\"whole\":false,\"entries\":[{\"pid\":\"p\",\"generation\":1,"
                + "\"origin\":\"n\",\"deleted\":false,\"props\":" + props + "}]}";
    }

    private static void refused(String json, String why) {
        assertThatThrownBy(() -> Json.decode(json.getBytes(StandardCharsets.UTF_8), LIMITS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }
}
