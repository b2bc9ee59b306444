package org.swarmosgi.container.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of PID {@code org.swarmosgi.container}. Every key is optional; the defaults suit a
 * 2-core machine.
 */
@ObjectClassDefinition(name = "Swarm worker container",
    description = "Runs workers on this node: their mailboxes and the threads that serve them.")
public @interface ContainerConfig {

    @AttributeDefinition(name = "pool.threads", description = "Threads that run workers' messages, shared by "
        + "every worker (1..64). A handler that blocks holds one of them: answer later through Reply instead.")
    int pool_threads() default ContainerSettings.DEFAULT_POOL_THREADS;

    @AttributeDefinition(name = "mailbox.capacity", description = "Messages a worker's mailbox holds when its type "
        + "sets no capacity of its own (1..16777216); a send to a full mailbox fails with MailboxFullException.")
    int mailbox_capacity() default ContainerSettings.DEFAULT_MAILBOX_CAPACITY;

    @AttributeDefinition(name = "max.batch", description = "Messages and tasks a worker runs in one turn before it "
        + "yields its thread to the next worker with work (1..65536).")
    int max_batch() default ContainerSettings.DEFAULT_MAX_BATCH;
}
