package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.idr.Idr;
import accelmm.api.mm.FdTable;

/**
 * A file-descriptor table over an IDR (lowest free descriptor first, up to {@link #MAX_FDS}).
 *
 * <p>Concurrency: the IDR serializes writers; {@link #closed} is set once at exit.
 */
final class FdTableImpl implements FdTable {
    private final Idr<OpenFile> fds;
    private volatile boolean closed;

    FdTableImpl(Idr<OpenFile> fds) {
        this.fds = fds;
    }

    @Override
    public int install(AutoCloseable file) {
        if (file == null) {
            throw Errno.EINVAL.exception("no file to install");
        }
        return installRef(new OpenFile(file));
    }

    private int installRef(OpenFile ref) {
        if (closed) {
            throw Errno.ESRCH.exception("the process has exited");
        }
        try {
            return fds.alloc(ref, 0, MAX_FDS);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOSPC) {
                throw Errno.EMFILE.exception(MAX_FDS + " descriptors are open");
            }
            throw e;
        }
    }

    private OpenFile ref(int fd) {
        OpenFile f = fd < 0 ? null : fds.find(fd);
        if (f == null) {
            throw Errno.EBADF.exception("descriptor " + fd + " is not open");
        }
        return f;
    }

    @Override
    public AutoCloseable get(int fd) {
        return ref(fd).file;
    }

    @Override
    public void close(int fd) {
        OpenFile f = fd < 0 ? null : fds.remove(fd);
        if (f == null) {
            throw Errno.EBADF.exception("descriptor " + fd + " is not open");
        }
        f.put();
    }

    @Override
    public int dup(int fd) {
        return passTo(fd, this);
    }

    @Override
    public int passTo(int fd, FdTable to) {
        if (!(to instanceof FdTableImpl other)) {
            throw Errno.EINVAL.exception("not a descriptor table of this manager");
        }
        OpenFile f = ref(fd).get();
        try {
            return other.installRef(f);
        } catch (ErrnoException e) {
            f.put();
            throw e;
        }
    }

    @Override
    public List<Integer> open() {
        List<Integer> out = new ArrayList<>();
        fds.forEach((id, f) -> {
            out.add((int) id);
            return 0;
        });
        return out;
    }

    /** Gives {@code child} the same open files under the same descriptors ({@code fork}). */
    void copyInto(FdTableImpl child) {
        fds.forEach((id, f) -> {
            child.fds.allocU32(f.get(), id, id);
            return 0;
        });
    }

    /** Closes every descriptor; later installs answer {@code ESRCH}. */
    void closeAll() {
        closed = true;
        for (int fd : open()) {
            try {
                close(fd);
            } catch (ErrnoException e) {
                // closed concurrently
            }
        }
    }
}
