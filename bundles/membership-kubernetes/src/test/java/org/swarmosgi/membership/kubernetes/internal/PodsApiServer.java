package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTPS server on 127.0.0.1 (ephemeral port) speaking the part of the Kubernetes API the
 * strategy uses: {@code GET /api/v1/namespaces/{ns}/pods?labelSelector=...}. It checks the bearer
 * token (401 with a Status body otherwise), filters pods by namespace and by the label selector it
 * decodes from the query (equality, inequality, exists, in, notin, as the API server does), and
 * answers PodList JSON shaped like a real API server's. Tests can make it answer a fixed status or
 * body, or stall.
 */
final class PodsApiServer implements AutoCloseable {

    /** A pod as the test declares it; rendered to real-shaped JSON. */
    record TestPod(String name, String namespace, Map<String, String> labels, String phase, boolean ready, String ip,
                   boolean deleting) {

        TestPod(String name, String namespace, Map<String, String> labels, String phase, boolean ready, String ip) {
            this(name, namespace, labels, phase, ready, ip, false);
        }

        static TestPod running(String name, String ip) {
            return new TestPod(name, "swarm", Map.of("app", "swarm"), "Running", true, ip);
        }

        /** This pod after kubectl delete: metadata.deletionTimestamp set, still Running while it stops. */
        TestPod deleted() {
            return new TestPod(name, namespace, labels, phase, ready, ip, true);
        }

        TestPod notReady() {
            return new TestPod(name, namespace, labels, phase, false, ip, deleting);
        }
    }

    /** What the server received. */
    record Request(String method, String path, String rawQuery, String authorization) {
    }

    private final HttpsServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "pods-api-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String token = "token-1";
    private volatile List<TestPod> pods = List.of();
    private volatile int fixedStatus;
    private volatile String fixedBody;
    private volatile CountDownLatch stall;
    private volatile CountDownLatch stallBody;
    private volatile boolean chunked;

    PodsApiServer(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The bearer token accepted from now on. */
    void token(String accepted) {
        token = accepted;
    }

    void pods(TestPod... all) {
        pods = List.of(all);
    }

    /** Answers every request with this status and body (ignoring token and pods) until {@link #normal()}. */
    void answer(int status, String body) {
        fixedBody = body;
        fixedStatus = status;
    }

    /** Holds every request without answering until {@link #normal()}. */
    void stall() {
        stall = new CountDownLatch(1);
    }

    /** Answers 200 with headers and the start of a PodList, then holds the rest until {@link #normal()}. */
    void stallBody() {
        stallBody = new CountDownLatch(1);
    }

    /** Sends bodies in chunks, without a Content-Length, until {@link #normal()}. */
    void chunked() {
        chunked = true;
    }

    void normal() {
        fixedStatus = 0;
        chunked = false;
        final CountDownLatch held = stall;
        stall = null;
        if (held != null) {
            held.countDown();
        }
        final CountDownLatch heldBody = stallBody;
        stallBody = null;
        if (heldBody != null) {
            heldBody.countDown();
        }
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), authorization));
            final CountDownLatch held = stall;
            if (held != null) {
                held.await(30, TimeUnit.SECONDS);
                return;
            }
            final CountDownLatch heldBody = stallBody;
            if (heldBody != null) {
                final byte[] body = podList(pods).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                final OutputStream out = exchange.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                heldBody.await(30, TimeUnit.SECONDS);
                return;
            }
            if (fixedStatus != 0) {
                send(exchange, fixedStatus, fixedBody);
                return;
            }
            if (!("Bearer " + token).equals(authorization)) {
                send(exchange, 401, status(401, "Unauthorized", "Unauthorized"));
                return;
            }
            final Matcher path = Pattern.compile("/api/v1/namespaces/([a-z0-9-]+)/pods").matcher(
                    exchange.getRequestURI().getRawPath());
            if (!"GET".equals(exchange.getRequestMethod()) || !path.matches()) {
                send(exchange, 404, status(404, "NotFound", "the server could not find the requested resource"));
                return;
            }
            final String selector = queryParameter(exchange.getRequestURI().getRawQuery(), "labelSelector");
            final List<Requirement> requirements;
            try {
                requirements = Requirement.parseAll(selector);
            } catch (IllegalArgumentException e) {
                send(exchange, 400, status(400, "BadRequest", "unable to parse requirement: " + e.getMessage()));
                return;
            }
            final String namespace = path.group(1);
            send(exchange, 200, podList(pods.stream()
                    .filter(p -> p.namespace().equals(namespace))
                    .filter(p -> requirements.stream().allMatch(r -> r.test(p.labels())))
                    .toList()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(HttpExchange exchange, int status, String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Audit-Id", "7d1e3c52-5f7a-4f7b-8a38-0c8a3f1b2b11");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return "";
        }
        for (String pair : rawQuery.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** A Kubernetes Status body, as the API server sends with errors. */
    static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + q(message) + ",\"reason\":" + q(reason) + ",\"code\":" + code + "}";
    }

    static String podList(List<TestPod> items) {
        return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"48213\"},\"items\":["
                + items.stream().map(PodsApiServer::podJson).collect(Collectors.joining(",")) + "]}";
    }

    /** One pod the way the API server renders it (fields in its order, most of them). */
    static String podJson(TestPod p) {
        final String uid = java.util.UUID.nameUUIDFromBytes(p.name().getBytes(StandardCharsets.UTF_8)).toString();
        final String labels = p.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> q(e.getKey()) + ":" + q(e.getValue())).collect(Collectors.joining(","));
        final String ready = p.ready() ? "True" : "False";
        final boolean scheduled = !p.phase().equals("Pending") || !p.ip().isEmpty();
        return "{\"metadata\":{\"name\":" + q(p.name()) + ",\"generateName\":\"swarm-7c9f8d6b5-\",\"namespace\":"
                + q(p.namespace()) + ",\"uid\":" + q(uid) + ",\"resourceVersion\":\"48190\","
                + "\"creationTimestamp\":\"2026-11-26T21:58:03Z\","
                + (p.deleting() ? "\"deletionTimestamp\":\"2026-11-26T22:14:41Z\",\"deletionGracePeriodSeconds\":45," : "")
                + "\"labels\":{" + labels + "},"
                + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"swarm-7c9f8d6b5\","
                + "\"uid\":\"0b5f3a1e-3f0c-4a43-9d3b-5c2b1b6f4e21\",\"controller\":true,\"blockOwnerDeletion\":true}],"
                + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
                + "\"time\":\"2026-11-26T21:58:03Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{}}}]},"
                + "\"spec\":{\"volumes\":[{\"name\":\"kube-api-access-x2k7d\",\"projected\":{\"sources\":[{\"serviceAccountToken\":"
                + "{\"expirationSeconds\":3607,\"path\":\"token\"}}],\"defaultMode\":420}}],"
                + "\"containers\":[{\"name\":\"swarm\",\"image\":\"swarmosgi/node:0.1.0\",\"ports\":[{\"name\":\"membership\","
                + "\"containerPort\":45892,\"protocol\":\"UDP\"}],\"env\":[{\"name\":\"POD_IP\",\"valueFrom\":{\"fieldRef\":"
                + "{\"apiVersion\":\"v1\",\"fieldPath\":\"status.podIP\"}}}],\"resources\":{},"
                + "\"terminationMessagePath\":\"/dev/termination-log\",\"imagePullPolicy\":\"IfNotPresent\"}],"
                + "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
                + "\"serviceAccountName\":\"swarm\",\"serviceAccount\":\"swarm\",\"nodeName\":\"worker-1\","
                + "\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":"
                + "\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],"
                + "\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
                + "\"status\":{\"phase\":" + q(p.phase()) + ",\"conditions\":["
                + "{\"type\":\"Initialized\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-26T21:58:03Z\"},"
                + "{\"type\":\"Ready\",\"status\":" + q(ready) + ",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-26T21:58:09Z\"},"
                + "{\"type\":\"ContainersReady\",\"status\":" + q(ready) + ",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-26T21:58:09Z\"},"
                + "{\"type\":\"PodScheduled\",\"status\":" + q(scheduled ? "True" : "False") + ",\"lastProbeTime\":null,"
                + "\"lastTransitionTime\":\"2026-11-26T21:58:03Z\"}],"
                + "\"hostIP\":\"192.168.49.2\",\"hostIPs\":[{\"ip\":\"192.168.49.2\"}]"
                + (p.ip().isEmpty() ? "" : ",\"podIP\":" + q(p.ip()) + ",\"podIPs\":[{\"ip\":" + q(p.ip()) + "}]")
                + ",\"startTime\":\"2026-11-26T21:58:03Z\",\"containerStatuses\":[{\"name\":\"swarm\",\"state\":{\"running\":"
                + "{\"startedAt\":\"2026-11-26T21:58:05Z\"}},\"lastState\":{},\"ready\":" + p.ready() + ",\"restartCount\":0,"
                + "\"image\":\"swarmosgi/node:0.1.0\",\"imageID\":\"docker-pullable://swarmosgi/node@sha256:3f0c\","
                + "\"containerID\":\"containerd://9a1f\",\"started\":true}],\"qosClass\":\"BestEffort\"}}";
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** One requirement of a label selector. */
    private record Requirement(String key, String op, Set<String> values) {

        private static final Pattern SET = Pattern.compile("([\\w./-]+)\\s+(in|notin)\\s+\\(([^)]*)\\)");
        private static final Pattern COMPARE = Pattern.compile("([\\w./-]+)\\s*(==|=|!=)\\s*([\\w.-]*)");
        private static final Pattern EXISTS = Pattern.compile("(!?)([\\w./-]+)");

        static List<Requirement> parseAll(String selector) {
            final List<Requirement> all = new ArrayList<>();
            int depth = 0;
            int start = 0;
            for (int i = 0; i <= selector.length(); i++) {
                final char c = i < selector.length() ? selector.charAt(i) : ',';
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (c == ',' && depth == 0) {
                    final String part = selector.substring(start, i).trim();
                    if (!part.isEmpty()) {
                        all.add(parse(part));
                    }
                    start = i + 1;
                }
            }
            return all;
        }

        private static Requirement parse(String s) {
            Matcher m = SET.matcher(s);
            if (m.matches()) {
                return new Requirement(m.group(1), m.group(2), Set.of(m.group(3).trim().split("\\s*,\\s*")));
            }
            m = COMPARE.matcher(s);
            if (m.matches()) {
                return new Requirement(m.group(1), m.group(2).equals("!=") ? "!=" : "=", Set.of(m.group(3)));
            }
            m = EXISTS.matcher(s);
            if (m.matches()) {
                return new Requirement(m.group(2), m.group(1).isEmpty() ? "exists" : "!exists", Set.of());
            }
            throw new IllegalArgumentException(s);
        }

        boolean test(Map<String, String> labels) {
            final String v = labels.get(key);
            return switch (op) {
                case "=", "in" -> v != null && values.contains(v);
                case "!=", "notin" -> v == null || !values.contains(v);
                case "exists" -> v != null;
                default -> v == null;
            };
        }
    }

    @Override
    public void close() {
        normal();
        server.stop(0);
        handlers.shutdownNow();
    }
}
