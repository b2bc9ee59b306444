package org.swarmosgi.membership.kubernetes.internal;

import java.util.List;
import java.util.Objects;

/** The outcome of one poll of the pods API: the pods, or why the answer is unknown. */
sealed interface PodsResult {

    /** The API server answered with a well-formed PodList. */
    record Listed(List<Pod> pods) implements PodsResult {
        public Listed {
            pods = List.copyOf(pods);
        }
    }

    /**
     * The poll failed: the cluster's pods are unknown, so nothing may be concluded from it (in
     * particular, no member may be dropped).
     *
     * @param problem what kind of trouble
     * @param status  the HTTP status, 0 when there was no HTTP answer
     * @param message a sentence for the log saying what happened and what to check
     */
    record Failed(Problem problem, int status, String message) implements PodsResult {
        public Failed {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(message, "message");
        }

        /** Repeats of the same key are one problem in a row, logged once. */
        String key() {
            return problem + "/" + status;
        }
    }

    /** Kinds of poll failures, each with its own advice in the log. */
    enum Problem {
        /** The token file is missing, unreadable or empty. */
        TOKEN_UNREADABLE,
        /** The CA file is missing, unreadable or holds no certificate. */
        CA_UNREADABLE,
        /** 401: the API server does not accept the token. */
        UNAUTHORIZED,
        /** 403: the service account may not list pods. */
        FORBIDDEN,
        /** 5xx from the API server. */
        SERVER_ERROR,
        /** 429: the API server's flow control asks clients to slow down. */
        THROTTLED,
        /** Any other non-200 status (404 for a wrong namespace, ...). */
        UNEXPECTED_STATUS,
        /** Connect or response timeout. */
        TIMEOUT,
        /** The server's certificate is not signed by the configured CA, or names another host. */
        TLS,
        /** Connection refused, reset or another I/O failure. */
        UNREACHABLE,
        /** 200, but the body is not a PodList. */
        MALFORMED,
        /** The answer body is larger than max_body_bytes. */
        TOO_LARGE
    }
}
