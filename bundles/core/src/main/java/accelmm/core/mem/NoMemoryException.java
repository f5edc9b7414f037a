package accelmm.core.mem;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/**
 * {@code ENOMEM} because a memory node has no free block of the size asked, as opposed to an
 * injected failure or a range that is not mapped: the failure that direct reclaim may cure.
 *
 * <p>Concurrency: immutable.
 */
public final class NoMemoryException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final transient MemoryNode node;

    NoMemoryException(MemoryNode node, String detail) {
        super(Errno.ENOMEM, detail);
        this.node = node;
    }

    /** Returns the node that ran out. */
    public MemoryNode node() {
        return node;
    }
}
