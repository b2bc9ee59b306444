package org.swarmosgi.node.internal;

/** A setting of PID {@code org.swarmosgi.node} is invalid; the message names the key. */
final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ConfigException(String key, String problem) {
        super("org.swarmosgi.node: " + key + " " + problem);
    }

    /** A refusal whose message already starts with the key ("bind.address: ..."). */
    ConfigException(IllegalArgumentException keyed) {
        super("org.swarmosgi.node: " + keyed.getMessage());
    }
}
