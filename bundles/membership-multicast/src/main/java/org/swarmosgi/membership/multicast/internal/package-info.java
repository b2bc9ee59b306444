/** The multicast strategy's DS component and configuration; private. */
package org.swarmosgi.membership.multicast.internal;
