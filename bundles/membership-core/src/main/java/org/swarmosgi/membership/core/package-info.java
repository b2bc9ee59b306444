/**
 * The membership engine shared by the strategies: heartbeat codec (HMAC-authenticated), phi accrual
 * failure detector, member table and the one-thread UDP loop. A plain library: each strategy bundle
 * embeds it privately ({@code -conditionalpackage}); nothing here is exported. See README.md.
 */
package org.swarmosgi.membership.core;
