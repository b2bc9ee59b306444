package org.swarmosgi.membership.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.swarmosgi.membership.kubernetes.internal.PodListParser.MalformedPodListException;
import org.swarmosgi.membership.kubernetes.internal.PodsApiServer.TestPod;

/** The PodList reader: real-shaped lists, and the bodies it must refuse rather than read as "no pods". */
class PodListParserTest {

    private final PodListParser parser = new PodListParser();

    private List<Pod> parse(String json) throws MalformedPodListException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsARealShapedPodList() throws Exception {
        final List<Pod> pods = parse(PodsApiServer.podList(List.of(
                TestPod.running("swarm-7c9f8d6b5-abcde", "10.244.1.7"),
                new TestPod("swarm-7c9f8d6b5-fghij", "swarm", Map.of("app", "swarm"), "Pending", false, ""),
                TestPod.running("swarm-7c9f8d6b5-klmno", "10.244.2.9").deleted())));

        assertThat(pods).extracting(Pod::name, Pod::ip, Pod::phase, Pod::ready, Pod::deleting).containsExactly(
                org.assertj.core.groups.Tuple.tuple("swarm-7c9f8d6b5-abcde", "10.244.1.7", "Running", true, false),
                org.assertj.core.groups.Tuple.tuple("swarm-7c9f8d6b5-fghij", "", "Pending", false, false),
                org.assertj.core.groups.Tuple.tuple("swarm-7c9f8d6b5-klmno", "10.244.2.9", "Running", true, true));
    }

    @Test
    void emptyListsAndMissingStatusAreFine() throws Exception {
        assertThat(parse("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}")).isEmpty();
        assertThat(parse("{\"kind\":\"PodList\",\"items\":null}")).isEmpty();
        assertThat(parse("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"}}]}"))
                .containsExactly(new Pod("p", "", "", "", false, false));
        assertThat(parse("{\"items\":[{\"metadata\":{\"name\":\"p\",\"uid\":\"u\"},\"status\":{\"phase\":\"Running\","
                + "\"podIP\":\"10.0.0.1\",\"conditions\":[{\"type\":\"ContainersReady\",\"status\":\"True\"}]}}],"
                + "\"kind\":\"PodList\"}"))
                .as("Ready is read from the Ready condition only").containsExactly(
                        new Pod("p", "u", "10.0.0.1", "Running", false, false));
    }

    @Test
    void refusesWhatIsNotAPodList() {
        for (String body : List.of(
                "",
                "[]",
                "<html></html>",
                "{\"kind\":\"PodList\",\"items\":[",
                "{\"kind\":\"PodList\"}",
                "{\"items\":[]}",
                "{\"kind\":\"Status\",\"items\":[]}",
                "{\"kind\":\"PodList\",\"items\":{}}",
                "{\"kind\":\"PodList\",\"items\":[]} {}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":7}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":1}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"conditions\":{}}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"podIP\":\"example.com\"}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"podIP\":\"10.0.0.300\"}}]}",
                "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"status\":{\"podIP\":\"fd00::1::2\"}}]}")) {
            assertThatThrownBy(() -> parse(body)).as(body).isInstanceOf(MalformedPodListException.class);
        }
    }
}
