package org.swarmosgi.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The hardening of {@code kubernetes/} that a reviewer checks, as assertions, so that it cannot
 * silently regress: the secret only as a read-only file, probes on the health endpoints, the
 * restricted security context, memory requests equal to limits and the JVM sized within them, one
 * node at a time disrupted, the least RBAC, UDP admitted only from the cluster's own pods, a pinned
 * image. Schema validity is the build's other check (src/test/kubernetes/check.sh).
 */
final class KubernetesManifestsTest {

    private static final Path DIR = Path.of("kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The JVM's memory outside heap, direct memory, metaspace and code cache: threads, GC, symbols. */
    private static final long JVM_OTHER_MIB = 96;

    private static List<JsonNode> objects;
    private static JsonNode deployment;
    private static JsonNode pod;
    private static JsonNode container;

    /**
     * The objects of the kustomization. It only lists files, so these are what kubectl kustomize
     * renders; anything else there (patches, generators) must first be taught to this test.
     */
    @BeforeAll
    static void read() throws IOException {
        final JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        final List<String> keys = new ArrayList<>();
        kustomization.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("kustomization.yaml keys this test renders").containsExactlyInAnyOrder("apiVersion", "kind", "resources");
        objects = new ArrayList<>();
        for (JsonNode file : kustomization.get("resources")) {
            try (var parser = YAML.createParser(DIR.resolve(file.asText()).toFile())) {
                YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
            }
        }
        deployment = only("Deployment");
        pod = deployment.at("/spec/template/spec");
        assertThat(pod.get("containers")).hasSize(1);
        container = pod.at("/containers/0");
    }

    private static JsonNode only(String kind) {
        final List<JsonNode> found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static String env(String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                assertThat(e.has("value")).as(name + " has a literal value").isTrue();
                return e.get("value").asText();
            }
        }
        throw new AssertionError("no env " + name);
    }

    @Test
    void theSecretIsAReadOnlyFileAndNoVariableHoldsIt() {
        assertThat(container.has("envFrom")).as("envFrom could bring a Secret's keys in as variables").isFalse();
        for (JsonNode e : container.path("env")) {
            assertThat(e.at("/valueFrom/secretKeyRef").isMissingNode()).as("env " + e.get("name") + " from a Secret").isTrue();
            assertThat(e.get("name").asText()).as("a variable named like a secret").doesNotMatch(".*SECRET(?!_FILE$).*");
        }
        final String file = env("SWARM_CLUSTER_SECRET_FILE");
        final JsonNode volume = volume("secret");
        assertThat(volume.at("/secret/secretName").asText()).isEqualTo("swarm-cluster-secret");
        // 0400: with fsGroup the kubelet makes it 0440, root-owned, which the node accepts (NodeSettings).
        assertThat(volume.at("/secret/defaultMode").asInt()).isEqualTo(0400);
        final JsonNode mount = mount("secret");
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        assertThat(file).startsWith(mount.get("mountPath").asText() + "/")
            .endsWith("/" + volume.at("/secret/items/0/path").asText());
    }

    @Test
    void probesAskTheNodesHealthOnItsHttpPort() {
        assertThat(env("SWARM_HTTP_HOST")).as("the kubelet reaches the pod IP, not loopback").isEqualTo("0.0.0.0");
        final int httpPort = containerPort("http", "TCP");
        assertThat(env("SWARM_HTTP_PORT")).isEqualTo(String.valueOf(httpPort));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            final JsonNode get = container.at("/" + probe + "/httpGet");
            assertThat(get.isMissingNode()).as(probe).isFalse();
            assertThat(get.get("port").asText()).as(probe).isIn("http", String.valueOf(httpPort));
            assertThat(get.get("path").asText()).as(probe)
                .isEqualTo(probe.equals("readinessProbe") ? "/health/ready" : "/health/live");
        }
    }

    @Test
    void theSecurityContextIsTheRestrictedLevel() {
        assertThat(only("Namespace").at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            assertThat(pod.path(host).asBoolean()).as(host).isFalse();
        }
        final JsonNode sc = container.get("securityContext");
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.get("allowPrivilegeEscalation").asBoolean()).isTrue();
        assertThat(sc.path("privileged").asBoolean()).isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(sc.at("/capabilities/add").isMissingNode()).isTrue();
        for (JsonNode v : pod.get("volumes")) {
            assertThat(v.has("hostPath")).as("hostPath volume " + v.get("name")).isFalse();
        }
        // The root filesystem is read-only: every folder the node writes is a volume.
        assertThat(mount("tmp").get("mountPath").asText()).isEqualTo("/tmp");
        assertThat(env("SWARM_WORK_DIR")).isEqualTo(mount("work").get("mountPath").asText());
        assertThat(volume("work").has("emptyDir")).isTrue();
    }

    @Test
    void memoryRequestsEqualLimitsAndHoldTheJvmAndAeron() {
        final JsonNode resources = container.get("resources");
        final long limit = mib(resources.at("/limits/memory").asText());
        assertThat(mib(resources.at("/requests/memory").asText())).isEqualTo(limit);
        final String opts = env("JAVA_OPTS");
        final long heap = mib(jvm(opts, "-Xmx"));
        assertThat(jvm(opts, "-Xms")).as("heap committed at start").isEqualTo(jvm(opts, "-Xmx"));
        final long direct = mib(jvm(opts, "-XX:MaxDirectMemorySize="));
        final long metaspace = mib(jvm(opts, "-XX:MaxMetaspaceSize="));
        final long codeCache = mib(jvm(opts, "-XX:ReservedCodeCacheSize="));
        final JsonNode aeron = volume("aeron").get("emptyDir");
        assertThat(aeron.path("medium").asText()).isEqualTo("Memory");
        final long aeronMib = mib(aeron.get("sizeLimit").asText());
        // The Aeron folder is where the node keeps its files (<work>/node): mounted there.
        assertThat(mount("aeron").get("mountPath").asText()).isEqualTo(env("SWARM_WORK_DIR") + "/node");
        assertThat(heap + direct + metaspace + codeCache + JVM_OTHER_MIB + aeronMib).as("JVM + Aeron within the limit")
            .isLessThanOrEqualTo(limit);
        for (JsonNode v : pod.get("volumes")) {
            if (v.has("emptyDir")) {
                assertThat(v.at("/emptyDir/sizeLimit").isMissingNode()).as("emptyDir " + v.get("name") + " unbounded").isFalse();
            }
        }
    }

    @Test
    void oneNodeAtATimeAndTimeToHandOff() throws ReflectiveOperationException {
        assertThat(deployment.at("/spec/minReadySeconds").asInt()).isPositive();
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isEqualTo(1);
        final JsonNode pdb = only("PodDisruptionBudget");
        assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
        // SIGTERM drains the node (DrainOnFrameworkStop) within the registry's drain.timeout.ms; then
        // the framework stops. The grace period must cover both, with room to spare.
        final long drainMs = (Long) Class.forName("org.swarmosgi.registry.internal.RegistryConfig")
            .getDeclaredMethod("drain_timeout_ms").getDefaultValue();
        assertThat(pod.get("terminationGracePeriodSeconds").asLong() * 1000).isGreaterThanOrEqualTo(drainMs + 15_000);
    }

    @Test
    void rbacListsPodsAndNothingElse() {
        final JsonNode rules = only("Role").get("rules");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).get("apiGroups").toString()).isEqualTo("[\"\"]");
        assertThat(rules.get(0).get("resources").toString()).isEqualTo("[\"pods\"]");
        assertThat(rules.get(0).get("verbs").toString()).isEqualTo("[\"list\"]");
        assertThat(objects).noneMatch(o -> o.path("kind").asText().startsWith("Cluster"));
        final JsonNode binding = only("RoleBinding");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(only("Role").at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(pod.get("serviceAccountName").asText());
    }

    @Test
    void udpIsAdmittedOnlyFromPodsOfTheSameApp() {
        final JsonNode policy = only("NetworkPolicy");
        final JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(podLabels);
        assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress");
        final List<Integer> udpAdmitted = new ArrayList<>();
        for (JsonNode rule : policy.at("/spec/ingress")) {
            final boolean udp = StreamSupport.stream(rule.path("ports").spliterator(), false)
                .anyMatch(p -> "UDP".equals(p.path("protocol").asText()));
            if (!udp) {
                continue;
            }
            assertThat(rule.path("from")).as("a UDP rule without 'from' admits everyone").hasSize(1);
            assertThat(rule.at("/from/0/podSelector/matchLabels")).isEqualTo(podLabels);
            assertThat(rule.at("/from/0").size()).as("podSelector alone: this namespace only").isEqualTo(1);
            rule.get("ports").forEach(p -> udpAdmitted.add(p.get("port").asInt()));
        }
        assertThat(udpAdmitted).containsExactlyInAnyOrder(containerPort("membership", "UDP"), containerPort("transport", "UDP"));
        assertThat(env("SWARM_GOSSIP_PORT")).isEqualTo(String.valueOf(containerPort("membership", "UDP")));
        assertThat(env("SWARM_TRANSPORT_PORT")).isEqualTo(String.valueOf(containerPort("transport", "UDP")));
    }

    @Test
    void theImageIsBuiltFromBaseImagesPinnedByDigest() throws IOException {
        final List<String> from = Files.readAllLines(DIR.resolve("Dockerfile")).stream()
            .filter(l -> l.stripLeading().toUpperCase().startsWith("FROM ")).toList();
        assertThat(from).as("multi-stage").hasSizeGreaterThanOrEqualTo(2);
        for (String line : from) {
            final String image = line.trim().split("\\s+")[1];
            assertThat(image).as(line).matches("[^@\\s]+@sha256:[0-9a-f]{64}");
        }
    }

    private static JsonNode volume(String name) {
        for (JsonNode v : pod.get("volumes")) {
            if (name.equals(v.get("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static JsonNode mount(String volume) {
        final List<JsonNode> found = StreamSupport.stream(container.get("volumeMounts").spliterator(), false)
            .filter(m -> volume.equals(m.get("name").asText())).toList();
        assertThat(found).as("mounts of " + volume).hasSize(1);
        return found.get(0);
    }

    private static int containerPort(String name, String protocol) {
        for (JsonNode p : container.get("ports")) {
            if (name.equals(p.get("name").asText())) {
                assertThat(p.path("protocol").asText("TCP")).as(name).isEqualTo(protocol);
                return p.get("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port " + name);
    }

    private static final Pattern QUANTITY = Pattern.compile("(\\d+)(Mi|Gi|m|g|M|G)");

    /** Kubernetes (Mi, Gi) and JVM (m, g) sizes in MiB; other forms are refused so nothing is misread. */
    static long mib(String quantity) {
        final Matcher m = QUANTITY.matcher(quantity);
        assertThat(m.matches()).as("size " + quantity + " in Mi/Gi (Kubernetes) or m/g (JVM)").isTrue();
        final long n = Long.parseLong(m.group(1));
        return Map.of("Mi", 1L, "m", 1L, "M", 1L, "Gi", 1024L, "g", 1024L, "G", 1024L).get(m.group(2)) * n;
    }

    private static String jvm(String opts, String prefix) {
        final List<String> found = List.of(opts.trim().split("\\s+")).stream().filter(o -> o.startsWith(prefix)).toList();
        assertThat(found).as("JAVA_OPTS " + prefix).hasSize(1);
        return found.get(0).substring(prefix.length());
    }
}
