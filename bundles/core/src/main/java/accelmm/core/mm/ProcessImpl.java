package accelmm.core.mm;

import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MmProcess;

/**
 * A process of the memory manager.
 *
 * <p>Concurrency: thread-safe; exit happens once.
 */
final class ProcessImpl implements MmProcess {
    private final int pid;
    private final String name;
    private final Mm mm;
    private final FdTableImpl fds;
    private final MemoryManagerImpl owner;
    private volatile boolean alive = true;

    ProcessImpl(int pid, String name, Mm mm, FdTableImpl fds, MemoryManagerImpl owner) {
        this.pid = pid;
        this.name = name;
        this.mm = mm;
        this.fds = fds;
        this.owner = owner;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AddressSpace mm() {
        return mm;
    }

    Mm mmImpl() {
        return mm;
    }

    @Override
    public FdTable fds() {
        return fds;
    }

    FdTableImpl fdsImpl() {
        return fds;
    }

    @Override
    public MmProcess fork(String childName) {
        return owner.fork(this, childName);
    }

    @Override
    public void exit() {
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
        }
        owner.reap(this);
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public String toString() {
        return name + "[" + pid + "]";
    }
}
