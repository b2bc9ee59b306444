package org.swarmosgi.membership.kubernetes.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import org.swarmosgi.membership.kubernetes.internal.PodsResult.Failed;
import org.swarmosgi.membership.kubernetes.internal.PodsResult.Problem;

/**
 * Logs poll failures once per distinct problem in a row, so a broken API server or RBAC role gives
 * one clear line instead of one every poll, and says when the API answers again.
 */
final class ProblemLog {

    /** Longest failure message logged. */
    static final int MAX_MESSAGE = 1_500;

    private final Logger log;
    private String lastKey;
    private int failuresInRow;

    ProblemLog(Logger log) {
        this.log = log;
    }

    void failed(Failed failure) {
        failuresInRow++;
        if (failure.key().equals(lastKey)) {
            return;
        }
        lastKey = failure.key();
        // The message may quote the API server: escaped and capped (LogText) before it is written.
        log.log(levelOf(failure.problem()), "Kubernetes membership: pods unknown, members kept: "
                + LogText.safe(failure.message(), MAX_MESSAGE));
    }

    void succeeded() {
        if (lastKey != null) {
            log.log(Level.INFO, "Kubernetes membership: the pods API answers again, after "
                    + failuresInRow + " failed poll(s)");
        }
        lastKey = null;
        failuresInRow = 0;
    }

    /** Errors need someone to fix a setting; warnings may pass by themselves. */
    private static Level levelOf(Problem problem) {
        return switch (problem) {
            case TOKEN_UNREADABLE, CA_UNREADABLE, UNAUTHORIZED, FORBIDDEN, TLS, UNEXPECTED_STATUS -> Level.ERROR;
            case SERVER_ERROR, THROTTLED, TIMEOUT, UNREACHABLE, MALFORMED -> Level.WARNING;
            case TOO_LARGE -> Level.ERROR;
        };
    }
}
