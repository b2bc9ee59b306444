package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.swarmosgi.membership.kubernetes.internal.PodListParser.MalformedPodListException;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Failed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Listed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Problem;

/**
 * Lists the pods matching the selector: an HTTPS GET of the pods API with the service account's
 * bearer token, TLS verified against the configured CA only (host name verification stays on, as
 * the JDK client does by default). Every failure becomes a {@link Failed} result with advice; no
 * exception escapes.
 *
 * <p>Not thread-safe: one poll at a time, on the poller's thread.
 */
final class PodsClient {

    private static final JsonFactory JSON = new JsonFactory();
    /** A service account token is a JWT of a few KB; a larger file is not one. */
    static final int MAX_TOKEN_BYTES = 64 << 10;
    /** Most characters of the API server's own error text quoted in the log. */
    static final int MAX_SERVER_TEXT = 300;

    private final KubernetesSettings settings;
    private final Executor executor;
    private final PodListParser parser = new PodListParser();
    /** Built on the first poll that can read the CA file; the CA is read once. */
    private HttpClient http;

    /**
     * @param executor runs the HTTP client's asynchronous work and the completion of {@link #list()};
     *                 nothing blocks on it, so a single thread is enough
     */
    PodsClient(KubernetesSettings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
    }

    /** One poll: never completes exceptionally. */
    CompletableFuture<PodsResult> list() {
        if (http == null) {
            try {
                http = HttpClient.newBuilder()
                        .sslContext(trustingOnly(settings))
                        .connectTimeout(settings.connectTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
            } catch (IOException | GeneralSecurityException e) {
                return CompletableFuture.completedFuture(new Failed(Problem.CA_UNREADABLE, 0,
                        "cannot use ca_path " + settings.caPath() + " as the API server's CA: " + e));
            }
        }
        final String token;
        try (InputStream in = Files.newInputStream(settings.tokenPath())) {
            final byte[] bytes = in.readNBytes(MAX_TOKEN_BYTES + 1);
            if (bytes.length > MAX_TOKEN_BYTES) {
                return CompletableFuture.completedFuture(new Failed(Problem.TOKEN_UNREADABLE, 0,
                        "the file at token_path " + settings.tokenPath() + " is larger than " + MAX_TOKEN_BYTES
                                + " bytes: not a service account token"));
            }
            token = new String(bytes, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new Failed(Problem.TOKEN_UNREADABLE, 0,
                    "cannot read the service account token at token_path " + settings.tokenPath() + ": " + e));
        }
        final String unusable = unusable(token);
        if (unusable != null) {
            // Never the token itself, nor an exception message that quotes it.
            return CompletableFuture.completedFuture(new Failed(Problem.TOKEN_UNREADABLE, 0,
                    "the file at token_path " + settings.tokenPath() + " is not a usable bearer token: " + unusable
                            + " (its content is not logged)"));
        }
        final HttpRequest request = HttpRequest.newBuilder(settings.podsUri())
                .GET()
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .timeout(settings.requestTimeout())
                .build();
        return http.sendAsync(request, CappedBody.handler(settings.maxBodyBytes()))
                .handle((response, failure) -> failure == null ? answer(response) : failed(failure));
    }

    private PodsResult answer(HttpResponse<byte[]> response) {
        final int status = response.statusCode();
        final String where = "GET " + settings.podsUri();
        if (status == 200) {
            try {
                return new Listed(parser.parse(response.body()));
            } catch (MalformedPodListException e) {
                return new Failed(Problem.MALFORMED, status, where + " answered 200 with a body that is not a "
                        + "PodList: " + e.getMessage());
            }
        }
        final String said = statusMessage(response.body());
        if (status == 401) {
            return new Failed(Problem.UNAUTHORIZED, status, where + " answered 401 Unauthorized" + said
                    + ": check the service account token (token_path " + settings.tokenPath()
                    + ") and that the pod runs with its service account");
        }
        if (status == 403) {
            return new Failed(Problem.FORBIDDEN, status, where + " answered 403 Forbidden" + said
                    + ": check the RBAC role of the service account: it needs list on pods "
                    + "in namespace " + settings.namespace() + " (see distribution/kubernetes)");
        }
        if (status == 429) {
            return new Failed(Problem.THROTTLED, status, where + " answered 429 Too Many Requests" + said
                    + ": the API server is shedding load; a longer poll_interval_ms (now "
                    + settings.pollInterval().toMillis() + ") asks less of it");
        }
        if (status >= 500) {
            return new Failed(Problem.SERVER_ERROR, status, where + " answered " + status + " (API server "
                    + "trouble)" + said + "; the next poll tries again");
        }
        return new Failed(Problem.UNEXPECTED_STATUS, status, where + " answered " + status + said
                + (status == 404 ? ": check namespace " + settings.namespace() : ""));
    }

    /** Why {@code token} cannot be a bearer token (RFC 6750: visible ASCII), or null when it can. */
    private static String unusable(String token) {
        if (token.isEmpty()) {
            return "the file is empty";
        }
        for (int i = 0; i < token.length(); i++) {
            final char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "character " + (i + 1) + " of " + token.length() + " is a space, a control character or "
                        + "not ASCII";
            }
        }
        return null;
    }

    private PodsResult failed(Throwable failure) {
        final Throwable t = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        final String to = "the API server at " + settings.apiHost() + ":" + settings.apiPort();
        if (causedBy(t, CappedBody.TooLargeException.class)) {
            return new Failed(Problem.TOO_LARGE, 0, "GET " + settings.podsUri() + " answered a body larger than "
                    + "max_body_bytes (" + settings.maxBodyBytes() + " bytes): raise max_body_bytes, or narrow "
                    + "kubernetes_selector if the list is really that long");
        }
        if (t instanceof HttpTimeoutException) {
            return new Failed(Problem.TIMEOUT, 0, "no answer from " + to + " in time (" + t.getMessage()
                    + "; connect_timeout_ms " + settings.connectTimeout().toMillis() + ", request_timeout_ms "
                    + settings.requestTimeout().toMillis() + ")");
        }
        if (causedBy(t, SSLException.class)) {
            return new Failed(Problem.TLS, 0, "TLS with " + to + " failed: " + rootMessage(t)
                    + " (is ca_path " + settings.caPath() + " the CA of this cluster, and api_host a name "
                    + "in the server's certificate?)");
        }
        if (causedBy(t, ConnectException.class)) {
            return new Failed(Problem.UNREACHABLE, 0, "cannot connect to " + to + ": " + rootMessage(t));
        }
        return new Failed(Problem.UNREACHABLE, 0, "request to " + to + " failed: " + rootMessage(t));
    }

    /** The {@code message} of a Kubernetes Status body, if it is one, for the log. */
    private static String statusMessage(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String field = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING && "message".equals(field)) {
                    return " (\"" + LogText.safe(p.getText(), MAX_SERVER_TEXT) + "\")"; // the server's words: escaped, capped
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // Not JSON: the status alone says enough.
        }
        return "";
    }

    /** An SSL context that trusts the certificates in the CA file and nothing else. */
    static SSLContext trustingOnly(KubernetesSettings settings) throws IOException, GeneralSecurityException {
        final Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(settings.caPath())) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the file");
        }
        final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            trusted.setCertificateEntry("ca-" + i++, certificate);
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t) : t + " (" + root + ")";
    }
}
