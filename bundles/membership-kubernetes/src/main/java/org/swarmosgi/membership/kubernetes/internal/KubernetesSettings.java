package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.swarmosgi.api.NodeId;

/**
 * The strategy's settings, checked and resolved: configuration first, then the pod's environment
 * and service account mount. Built once per activation; the token is the only thing read again on
 * every poll.
 *
 * @param selector        label selector of the cluster's pods
 * @param basename        node names are {@code basename@podIP}
 * @param namespace       namespace whose pods are listed
 * @param apiHost         API server host (IP literal or DNS name)
 * @param apiPort         API server port
 * @param tokenPath       bearer token file
 * @param caPath          PEM file of the API server's CA
 * @param pollInterval    pause between two polls
 * @param connectTimeout  limit to open the connection
 * @param requestTimeout  limit for the whole poll (headers and body)
 * @param maxBodyBytes    largest answer body read
 * @param port            membership UDP port on every pod
 */
record KubernetesSettings(String selector, String basename, String namespace, String apiHost, int apiPort,
                          Path tokenPath, Path caPath, Duration pollInterval, Duration connectTimeout,
                          Duration requestTimeout, int maxBodyBytes, int port) {

    static final String ENV_HOST = "KUBERNETES_SERVICE_HOST";
    static final String ENV_PORT = "KUBERNETES_SERVICE_PORT";

    /** RFC 1123 label: what Kubernetes accepts as a namespace name. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Room left in a node name for "@" and the longest IPv6 text (45 characters). */
    private static final int MAX_BASENAME_BYTES = NodeId.MAX_NAME_BYTES - 46;

    KubernetesSettings {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(basename, "basename");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(apiHost, "apiHost");
        Objects.requireNonNull(tokenPath, "tokenPath");
        Objects.requireNonNull(caPath, "caPath");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Checks the configuration and fills what it leaves empty from {@code env} and the files it names.
     *
     * @throws IllegalArgumentException naming the key whose value is invalid or cannot be resolved
     */
    static KubernetesSettings resolve(KubernetesConfig config, Map<String, String> env) {
        final String selector = checkSelector(config.kubernetes__selector());
        final String basename = checkBasename(config.kubernetes__node__basename());
        final Path namespacePath = path("namespace_path", config.namespace__path());
        final String namespace = checkNamespace(config.namespace().isBlank()
                ? readNamespace(namespacePath)
                : config.namespace().trim());
        final String apiHost = apiHost(config.api__host(), env);
        final int apiPort = apiPort(config.api__port(), env);
        return new KubernetesSettings(selector, basename, namespace, apiHost, apiPort,
                path("token_path", config.token__path()),
                path("ca_path", config.ca__path()),
                Duration.ofMillis(range("poll_interval_ms", config.poll__interval__ms(), 100, 3_600_000)),
                Duration.ofMillis(range("connect_timeout_ms", config.connect__timeout__ms(), 100, 60_000)),
                Duration.ofMillis(range("request_timeout_ms", config.request__timeout__ms(), 100, 120_000)),
                range("max_body_bytes", config.max__body__bytes(), 64 << 10, 256 << 20),
                range("port", config.port(), 1, 65_535));
    }

    /** {@code https://host:port/api/v1/namespaces/{ns}/pods?labelSelector=...}, the selector encoded. */
    URI podsUri() {
        final String host = apiHost.indexOf(':') >= 0 ? "[" + apiHost + "]" : apiHost;
        // URLEncoder writes a space as '+'; %20 reads the same to every server.
        final String query = URLEncoder.encode(selector, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create("https://" + host + ":" + apiPort + "/api/v1/namespaces/" + namespace
                + "/pods?labelSelector=" + query);
    }

    private static String checkSelector(String value) {
        final String s = value.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("kubernetes_selector must not be blank: it would match every pod "
                    + "of the namespace");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("kubernetes_selector must not contain control characters");
        }
        return s;
    }

    private static String checkBasename(String value) {
        final String s = value.trim();
        if (s.isEmpty() || s.indexOf('@') >= 0 || s.chars().anyMatch(c -> Character.isISOControl(c)
                || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("kubernetes_node_basename must be a non-empty name without '@', "
                    + "spaces or control characters, was '" + value + "'");
        }
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_BASENAME_BYTES) {
            throw new IllegalArgumentException("kubernetes_node_basename must be at most " + MAX_BASENAME_BYTES
                    + " UTF-8 bytes, so that <basename>@<pod ip> fits a node name");
        }
        return s;
    }

    private static String readNamespace(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("namespace is not set and namespace_path " + file
                    + " cannot be read (" + e + "): set namespace, or run in a pod with a service account", e);
        }
    }

    private static String checkNamespace(String ns) {
        if (!NAMESPACE.matcher(ns).matches()) {
            throw new IllegalArgumentException("namespace must be a Kubernetes namespace name (lower-case "
                    + "letters, digits and '-', at most 63), was '" + ns + "'");
        }
        return ns;
    }

    private static String apiHost(String configured, Map<String, String> env) {
        String host = configured.trim();
        if (host.isEmpty()) {
            host = env.getOrDefault(ENV_HOST, "").trim();
            if (host.isEmpty()) {
                throw new IllegalArgumentException("api_host is not set and " + ENV_HOST
                        + " is not in the environment (not running in a pod?)");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c == '/' || c == '@' || c == '?' || c == '#'
                || Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("api_host must be a host name or IP address, was '" + host + "'");
        }
        return host;
    }

    private static int apiPort(int configured, Map<String, String> env) {
        range("api_port", configured, 0, 65_535);
        if (configured != 0) {
            return configured;
        }
        final String text = env.getOrDefault(ENV_PORT, "").trim();
        if (text.isEmpty()) {
            return 443;
        }
        try {
            return range("api_port", Integer.parseInt(text), 1, 65_535);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("api_port is 0 and " + ENV_PORT + " is not a port number: '"
                    + text + "'", e);
        }
    }

    private static Path path(String key, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be blank");
        }
        return Path.of(value.trim());
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
