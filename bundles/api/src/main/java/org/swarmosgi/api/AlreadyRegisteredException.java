package org.swarmosgi.api;

/** The name is registered already; the existing worker is in existing(). */
public final class AlreadyRegisteredException extends SwarmException {
    private static final long serialVersionUID = 1L;
    private final transient WorkerRef existing;

    public AlreadyRegisteredException(String name, WorkerRef existing) {
        super("name '" + name + "' is already registered to " + existing);
        this.existing = existing;
    }

    /** The worker that holds the name. */
    public WorkerRef existing() {
        return existing;
    }
}
