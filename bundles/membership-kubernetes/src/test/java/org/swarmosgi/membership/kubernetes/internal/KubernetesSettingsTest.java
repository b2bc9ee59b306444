package org.swarmosgi.membership.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: defaults, the pod's environment and mount, overrides, and refusals naming the key. */
class KubernetesSettingsTest {

    private static final Map<String, String> POD_ENV = Map.of(
            KubernetesSettings.ENV_HOST, "10.96.0.1", KubernetesSettings.ENV_PORT, "443");

    @TempDir
    Path dir;

    private KubernetesSettings resolve(Map<String, ?> config, Map<String, String> env) throws Exception {
        final Map<String, Object> all = new HashMap<>();
        final Path namespace = dir.resolve("namespace");
        if (!Files.exists(namespace)) {
            Files.writeString(namespace, "prod\n");
        }
        all.put("namespace_path", namespace.toString());
        all.putAll(config);
        return KubernetesSettings.resolve(TestConfig.of(all), env);
    }

    @Test
    void defaultsComeFromTheServiceAccountMountAndTheEnvironment() throws Exception {
        final KubernetesSettings s = resolve(Map.of(), POD_ENV);

        assertThat(s.selector()).isEqualTo("app=swarm");
        assertThat(s.basename()).isEqualTo("swarm");
        assertThat(s.namespace()).isEqualTo("prod");
        assertThat(s.tokenPath()).isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
        assertThat(s.caPath()).isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"));
        assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.port()).isEqualTo(45_892);
        assertThat(s.podsUri()).hasToString(
                "https://10.96.0.1:443/api/v1/namespaces/prod/pods?labelSelector=app%3Dswarm");
    }

    @Test
    void configurationOverridesEverything() throws Exception {
        final KubernetesSettings s = resolve(Map.of("namespace", "team-a", "api_host", "kubernetes.default.svc",
                "api_port", 6443, "kubernetes_selector", "app=swarm, tier notin (batch)",
                "token_path", "/t", "ca_path", "/c"), POD_ENV);

        assertThat(s.podsUri()).hasToString("https://kubernetes.default.svc:6443/api/v1/namespaces/team-a/pods"
                + "?labelSelector=app%3Dswarm%2C%20tier%20notin%20%28batch%29");
        assertThat(s.tokenPath()).isEqualTo(Path.of("/t"));
        assertThat(s.caPath()).isEqualTo(Path.of("/c"));
    }

    @Test
    void anIpv6ApiHostIsBracketedAndAMissingPortIs443() throws Exception {
        final KubernetesSettings s = resolve(Map.of(), Map.of(KubernetesSettings.ENV_HOST, "fd00:10:96::1"));

        assertThat(s.podsUri().getHost()).isEqualTo("[fd00:10:96::1]");
        assertThat(s.podsUri().getPort()).isEqualTo(443);
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertRefused(Map.of("kubernetes_selector", " "), POD_ENV, "kubernetes_selector");
        assertRefused(Map.of("kubernetes_selector", "app=a\nb"), POD_ENV, "kubernetes_selector");
        assertRefused(Map.of("kubernetes_node_basename", "my@app"), POD_ENV, "kubernetes_node_basename");
        assertRefused(Map.of("kubernetes_node_basename", "x".repeat(210)), POD_ENV, "kubernetes_node_basename");
        assertRefused(Map.of("namespace", "Not_A_Namespace"), POD_ENV, "namespace");
        assertRefused(Map.of("namespace_path", dir.resolve("absent").toString()), POD_ENV, "namespace");
        assertRefused(Map.of("api_host", "evil.example/path"), POD_ENV, "api_host");
        assertRefused(Map.of(), Map.of(), "api_host");
        assertRefused(Map.of("api_port", 70_000), POD_ENV, "api_port");
        assertRefused(Map.of(), Map.of(KubernetesSettings.ENV_HOST, "10.96.0.1", KubernetesSettings.ENV_PORT, "https"),
                "api_port");
        assertRefused(Map.of("token_path", ""), POD_ENV, "token_path");
        assertRefused(Map.of("ca_path", " "), POD_ENV, "ca_path");
        assertRefused(Map.of("poll_interval_ms", 10), POD_ENV, "poll_interval_ms");
        assertRefused(Map.of("connect_timeout_ms", 0), POD_ENV, "connect_timeout_ms");
        assertRefused(Map.of("request_timeout_ms", 500_000), POD_ENV, "request_timeout_ms");
        assertRefused(Map.of("max_body_bytes", 1_000), POD_ENV, "max_body_bytes");
        assertRefused(Map.of("port", 0), POD_ENV, "port");
    }

    private void assertRefused(Map<String, ?> config, Map<String, String> env, String key) {
        assertThatThrownBy(() -> resolve(config, env)).as(config + " " + env)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key);
    }
}
