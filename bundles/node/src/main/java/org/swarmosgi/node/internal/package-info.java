/**
 * This node: identity (name, incarnation), cluster name, the cluster secret and the keys derived
 * from it, bind and advertise addresses, work folder. Reads PID {@code org.swarmosgi.node} and
 * publishes {@link org.swarmosgi.api.node.LocalNode}. Private: nothing here is exported.
 */
package org.swarmosgi.node.internal;
