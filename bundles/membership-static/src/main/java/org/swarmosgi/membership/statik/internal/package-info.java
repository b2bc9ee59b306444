/**
 * The static strategy (a seed list, unicast heartbeats) and the {@code none} strategy (a
 * single-node cluster); private. The package is {@code statik} because {@code static} is a keyword.
 */
package org.swarmosgi.membership.statik.internal;
