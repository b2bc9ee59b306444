package org.swarmosgi.deployment.internal;

import java.util.Objects;

import org.swarmosgi.api.deployment.Deployment.State;

/**
 * What one node reports of one bundle symbolic name: the change it is at and how far it got.
 *
 * @param hasBytes true when the node stores the bundle's bytes, so peers may fetch them from it
 * @param error    why it failed (FAILED), or why the last fetch failed (FETCHING again); otherwise
 *                 empty; at most {@value Wire#MAX_STRING} bytes
 */
record Report(String bsn, long generation, String version, String sha256, State state, boolean hasBytes, String error) {

    Report {
        Objects.requireNonNull(bsn, "bsn");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
    }

    static Report of(Entry e, State state, boolean hasBytes, String error) {
        return new Report(e.bsn(), e.generation(), e.version(), e.sha256(), state, hasBytes, error);
    }
}
