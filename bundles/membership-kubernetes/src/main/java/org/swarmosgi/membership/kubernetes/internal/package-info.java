/**
 * Kubernetes membership strategy ({@code autocluster = kubernetes}): lists the pods of this pod's
 * namespace that match a label selector through the API server, with the pod's service account,
 * and hands the Running and Ready ones to the membership core as heartbeat targets.
 *
 * <p>Private: nothing here is exported. See the bundle's README.md for settings and RBAC.
 */
package org.swarmosgi.membership.kubernetes.internal;
