package org.swarmosgi.membership.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.bouncycastle.asn1.x509.GeneralName;

import org.swarmosgi.membership.kubernetes.internal.PodsApiServer.TestPod;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Failed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Listed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Problem;

/** The pods client against a real HTTPS server speaking the pods API. */
class PodsClientTest {

    @TempDir
    Path dir;
    private ApiFixture api;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        api.close();
        executor.shutdownNow();
    }

    private PodsResult list(KubernetesSettings settings) throws Exception {
        return new PodsClient(settings, executor).list().get(20, TimeUnit.SECONDS);
    }

    private PodsResult list() throws Exception {
        return list(api.settings(Map.of()));
    }

    @Test
    void sendsTheEncodedSelectorAndTokenAndListsOnlyWhatTheSelectorMatches() throws Exception {
        api.server.pods(
                new TestPod("front-1", "swarm", Map.of("app", "swarm", "tier", "front"), "Running", true, "10.1.0.1"),
                new TestPod("back-1", "swarm", Map.of("app", "swarm", "tier", "back"), "Running", true, "10.1.0.2"),
                new TestPod("batch-1", "swarm", Map.of("app", "swarm", "tier", "batch"), "Running", true, "10.1.0.3"),
                new TestPod("other-1", "swarm", Map.of("app", "other", "tier", "front"), "Running", true, "10.1.0.4"),
                new TestPod("elsewhere", "default", Map.of("app", "swarm", "tier", "front"), "Running", true, "10.1.0.5"));

        final PodsResult result = list(api.settings(Map.of("kubernetes_selector", "app=swarm,tier in (front, back)")));

        assertThat(result).isInstanceOf(Listed.class);
        assertThat(((Listed) result).pods()).extracting(Pod::name).containsExactly("front-1", "back-1");
        final PodsApiServer.Request request = api.server.requests().get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/api/v1/namespaces/swarm/pods");
        assertThat(request.rawQuery()).isEqualTo("labelSelector=app%3Dswarm%2Ctier%20in%20%28front%2C%20back%29");
        assertThat(request.authorization()).isEqualTo("Bearer token-1");
    }

    @Test
    void readsPhaseReadinessAndIpOfEachPod() throws Exception {
        api.server.pods(
                TestPod.running("ready", "10.1.0.1"),
                new TestPod("starting", "swarm", Map.of("app", "swarm"), "Running", false, "10.1.0.2"),
                new TestPod("pending", "swarm", Map.of("app", "swarm"), "Pending", false, ""),
                new TestPod("done", "swarm", Map.of("app", "swarm"), "Succeeded", true, "10.1.0.4"));

        final List<Pod> pods = ((Listed) list()).pods();

        assertThat(pods).extracting(Pod::name, Pod::phase, Pod::ready, Pod::ip, Pod::isMember).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ready", "Running", true, "10.1.0.1", true),
                org.assertj.core.groups.Tuple.tuple("starting", "Running", false, "10.1.0.2", false),
                org.assertj.core.groups.Tuple.tuple("pending", "Pending", false, "", false),
                org.assertj.core.groups.Tuple.tuple("done", "Succeeded", true, "10.1.0.4", false));
        assertThat(pods.get(0).uid()).hasSize(36);
    }

    @Test
    void aRefusedTokenIsUnauthorizedAndSaysToCheckTheToken() throws Exception {
        api.server.token("another-token");

        final Failed failed = (Failed) list();

        assertThat(failed.problem()).isEqualTo(Problem.UNAUTHORIZED);
        assertThat(failed.status()).isEqualTo(401);
        assertThat(failed.message()).contains("401", "check the service account token", "token_path");
    }

    @Test
    void forbiddenSaysToCheckTheRbacRoleAndQuotesTheServer() throws Exception {
        api.server.answer(403, PodsApiServer.status(403, "Forbidden", "pods is forbidden: User "
                + "\"system:serviceaccount:swarm:swarm\" cannot list resource \"pods\" in API group \"\" "
                + "in the namespace \"swarm\""));

        final Failed failed = (Failed) list();

        assertThat(failed.problem()).isEqualTo(Problem.FORBIDDEN);
        assertThat(failed.message()).contains("403", "RBAC", "list", "pods is forbidden: User");
    }

    @Test
    void serverErrorsAreServerErrors() throws Exception {
        api.server.answer(500, PodsApiServer.status(500, "InternalError", "etcdserver: request timed out"));
        final Failed internal = (Failed) list();
        api.server.answer(503, "");
        final Failed unavailable = (Failed) list();

        assertThat(internal.problem()).isEqualTo(Problem.SERVER_ERROR);
        assertThat(internal.message()).contains("500", "etcdserver: request timed out");
        assertThat(unavailable.problem()).isEqualTo(Problem.SERVER_ERROR);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(internal.key()).isNotEqualTo(unavailable.key());
    }

    @Test
    void tooManyRequestsIsThrottlingAndSuggestsALongerInterval() throws Exception {
        api.server.answer(429, PodsApiServer.status(429, "TooManyRequests", "too many requests, please try again later"));

        final Failed failed = (Failed) list();

        assertThat(failed.problem()).isEqualTo(Problem.THROTTLED);
        assertThat(failed.message()).contains("429", "poll_interval_ms");
    }

    @Test
    void notFoundIsAnUnexpectedStatusNamingTheNamespace() throws Exception {
        api.server.answer(404, PodsApiServer.status(404, "NotFound", "namespaces \"swarm\" not found"));

        final Failed failed = (Failed) list();

        assertThat(failed.problem()).isEqualTo(Problem.UNEXPECTED_STATUS);
        assertThat(failed.message()).contains("404", "namespace swarm");
    }

    @Test
    void aStalledServerIsATimeout() throws Exception {
        api.server.stall();

        final Failed failed = (Failed) list(api.settings(Map.of("request_timeout_ms", 300)));

        assertThat(failed.problem()).isEqualTo(Problem.TIMEOUT);
        assertThat(failed.message()).contains("request_timeout_ms 300");
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        final int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        final Failed failed = (Failed) list(api.settings(Map.of("api_port", closed)));

        assertThat(failed.problem()).isEqualTo(Problem.UNREACHABLE);
        assertThat(failed.message()).contains("127.0.0.1:" + closed);
    }

    @Test
    void bodiesThatAreNotAPodListAreMalformed() throws Exception {
        for (String body : List.of("<html>Bad gateway</html>", "{\"kind\":\"PodList\",\"items\":[{\"metadata\":",
                PodsApiServer.status(200, "Success", "not a list"), "")) {
            api.server.answer(200, body);
            final Failed failed = (Failed) list();
            assertThat(failed.problem()).as(body).isEqualTo(Problem.MALFORMED);
            assertThat(failed.message()).as(body).contains("not a PodList");
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() throws Exception {
        final TestPki.Authority stranger = TestPki.newAuthority("kubernetes");
        try (PodsApiServer impostor = new PodsApiServer(stranger.serverContext(TestPki.loopbackNames()))) {
            impostor.token("token-1");
            impostor.pods(TestPod.running("a", "10.1.0.1"));

            final Failed failed = (Failed) list(api.settings(Map.of("api_port", impostor.port())));

            assertThat(failed.problem()).isEqualTo(Problem.TLS);
            assertThat(failed.message()).contains("ca_path");
            assertThat(impostor.requestCount()).as("no request, so no token, reaches the impostor").isZero();
        }
    }

    @Test
    void aCertificateFromTheRightCaForAnotherHostIsRefused() throws Exception {
        try (PodsApiServer elsewhere = new PodsApiServer(api.ca.serverContext(
                new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
                new GeneralName(GeneralName.iPAddress, "10.96.0.1")))) {
            elsewhere.token("token-1");

            final Failed failed = (Failed) list(api.settings(Map.of("api_port", elsewhere.port())));

            assertThat(failed.problem()).isEqualTo(Problem.TLS);
            assertThat(elsewhere.requestCount()).isZero();
        }
    }

    @Test
    void theTokenFileIsReadAgainOnEveryPoll() throws Exception {
        api.server.pods(TestPod.running("a", "10.1.0.1"));
        final PodsClient client = new PodsClient(api.settings(Map.of()), executor);
        assertThat(client.list().get(20, TimeUnit.SECONDS)).isInstanceOf(Listed.class);

        api.server.token("token-2");
        api.writeToken("token-2");

        assertThat(client.list().get(20, TimeUnit.SECONDS)).isInstanceOf(Listed.class);
        assertThat(api.server.requests()).extracting(PodsApiServer.Request::authorization)
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void aMissingOrEmptyTokenFileIsReportedWithItsPath() throws Exception {
        final Path token = api.mount.resolve("token");
        Files.delete(token);
        final Failed missing = (Failed) list();
        Files.writeString(token, "\n");
        final Failed empty = (Failed) list();

        assertThat(missing.problem()).isEqualTo(Problem.TOKEN_UNREADABLE);
        assertThat(missing.message()).contains(token.toString());
        assertThat(empty.problem()).isEqualTo(Problem.TOKEN_UNREADABLE);
        assertThat(empty.message()).contains("empty");
        assertThat(api.server.requestCount()).isZero();
    }

    @Test
    void aCaFileWithoutCertificateIsReportedWithItsPath() throws Exception {
        final Path ca = api.mount.resolve("ca.crt");
        Files.writeString(ca, "not a certificate");

        final Failed failed = (Failed) list();

        assertThat(failed.problem()).isEqualTo(Problem.CA_UNREADABLE);
        assertThat(failed.message()).contains("ca_path", ca.toString());
    }

    /** A PodList of {@code n} pods: about 6 KB each, as real ones with their managed fields. */
    private static String bigPodList(int n) {
        final List<TestPod> pods = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(TestPod.running("swarm-" + i, "10.1." + i / 250 + "." + i % 250));
        }
        return PodsApiServer.podList(pods);
    }

    @Test
    void aBodyOverTheCapIsRefusedNamingTheKeyAndTheLimit() throws Exception {
        api.server.answer(200, bigPodList(100)); // about 500 KB, with a Content-Length
        final PodsResult result = list(api.settings(Map.of("max_body_bytes", 65_536)));
        assertThat(result).isInstanceOf(Failed.class);
        assertThat(((Failed) result).message()).contains("max_body_bytes").contains("65536");
    }

    @Test
    void aChunkedBodyOverTheCapIsRefusedWhileItStreams() throws Exception {
        api.server.chunked();
        api.server.answer(200, bigPodList(100));
        final PodsResult result = list(api.settings(Map.of("max_body_bytes", 65_536)));
        assertThat(result).isInstanceOf(Failed.class);
        assertThat(((Failed) result).message()).contains("max_body_bytes").contains("65536");
        // Within the cap, the same server is read as before.
        api.server.answer(200, bigPodList(3));
        assertThat(list(api.settings(Map.of("max_body_bytes", 65_536)))).isInstanceOf(Listed.class);
    }
}
