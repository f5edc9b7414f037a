package accelmm.shell.mm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.cli.Args;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.MremapFlags;
import accelmm.api.mm.ProcessInfo;
import accelmm.api.mm.Prot;

/**
 * Address-space commands (scope {@code mm}): make and end processes, and call the system calls a
 * process would make on its memory, by hand: {@code mmap}, {@code munmap}, {@code mprotect},
 * {@code mremap}, {@code MAP_POPULATE}-style population, {@code fork}, CPU reads and writes.
 *
 * <p>Concurrency: each command runs on the caller's thread; the address space locks itself.
 */
@Component(service = AddressSpaceCommands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=spawn",
    "osgi.command.function=kill",
    "osgi.command.function=fork",
    "osgi.command.function=mmap",
    "osgi.command.function=munmap",
    "osgi.command.function=mprotect",
    "osgi.command.function=mremap",
    "osgi.command.function=populate",
    "osgi.command.function=madvise",
    "osgi.command.function=write",
    "osgi.command.function=read"
})
public final class AddressSpaceCommands {
    /** The most {@code mm:read} shows at once. */
    static final long READ_MAX = 1L << 20;

    private final MemoryManager memory;

    /** Creates the commands over the memory manager. */
    @Activate
    public AddressSpaceCommands(@Reference MemoryManager memory) {
        this.memory = memory;
    }

    /** Creates a process. */
    @Descriptor("create a process with an empty address space")
    public ProcessRow spawn(@Descriptor("the process name") String name) {
        return row(memory.spawn(name).pid());
    }

    /**
     * Ends a process: every mapping is released.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid, {@code EINVAL} for a bad number
     */
    @Descriptor("end a process; its memory is released")
    public String kill(@Descriptor("process id") String pid) {
        MmProcess p = process(pid);
        p.exit();
        return "process " + p.pid() + " exited";
    }

    /**
     * Forks a process: the child shares every private page copy-on-write and every shared mapping.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid; {@code ENOMEM} as {@code fork}
     */
    @Descriptor("fork a process: the child's private pages are copy-on-write, shared mappings stay shared")
    public ProcessRow fork(@Descriptor("name of the child (default: the parent's)") @Parameter(names = {"-n", "--name"},
            absentValue = "") String name, @Descriptor("process id") String pid) {
        MmProcess p = process(pid);
        return row(p.fork(name.isEmpty() ? p.name() : name).pid());
    }

    /**
     * Maps anonymous memory into a process.
     *
     * @throws accelmm.api.ErrnoException as {@code mmap}
     */
    @Descriptor("map anonymous memory into a process; prints the address")
    public String mmap(
            @Descriptor("protection: any of r, w, x, or - for none") @Parameter(names = {"-p", "--prot"}, absentValue = "rw") String prot,
            @Descriptor("map shared instead of private") @Parameter(names = {"-s", "--shared"}, presentValue = "true", absentValue = "false") boolean shared,
            @Descriptor("fault every page in now (MAP_POPULATE)") @Parameter(names = {"--populate"}, presentValue = "true", absentValue = "false") boolean populate,
            @Descriptor("huge pages of the hugetlb pool of this size (MAP_HUGETLB | MAP_HUGE_...): 2m, the only pool; the length rounds up to it") @Parameter(names = {"--hugetlb"}, absentValue = "") String size,
            @Descriptor("process id") String pid,
            @Descriptor("length in bytes (suffix k, m, g or t allowed)") String length) {
        int flags = (shared ? MapFlags.SHARED : MapFlags.PRIVATE) | MapFlags.ANONYMOUS | (populate ? MapFlags.POPULATE : 0)
                | hugeFlags(size);
        long addr = mm(pid).mmap(0, Args.size("length", length, 1), prot(prot), flags);
        return String.format(Locale.ROOT, "0x%x", addr);
    }

    /** The MAP_HUGETLB flags for a huge page size given as a size ({@code 2m}, {@code 1g}), or none for "". */
    private static int hugeFlags(String size) {
        if (size.isEmpty()) {
            return 0;
        }
        long bytes = Args.size("huge page size", size, 1);
        if (Long.bitCount(bytes) != 1 || bytes < 4096 || Long.numberOfTrailingZeros(bytes) > 63) {
            throw Errno.EINVAL.exception("a huge page size is a power of two, not " + size);
        }
        return MapFlags.HUGETLB | Long.numberOfTrailingZeros(bytes) << MapFlags.HUGE_SHIFT;
    }

    /**
     * Unmaps a range.
     *
     * @throws accelmm.api.ErrnoException as {@code munmap}: {@code EINVAL} for an unaligned address or a zero length
     */
    @Descriptor("unmap a range of a process's memory (munmap)")
    public String munmap(@Descriptor("process id") String pid, @Descriptor("start address, page aligned") String addr,
            @Descriptor("length in bytes (suffix allowed)") String length) {
        long a = Args.address(addr);
        long len = Args.size("length", length, 0);
        mm(pid).munmap(a, len);
        return String.format(Locale.ROOT, "unmapped 0x%x-0x%x", a, a + len);
    }

    /**
     * Changes the protection of a range.
     *
     * @throws accelmm.api.ErrnoException as {@code mprotect}: {@code ENOMEM} for a hole, {@code EACCES}
     *     for write on a read-only shared file
     */
    @Descriptor("change the protection of a range (mprotect)")
    public String mprotect(@Descriptor("process id") String pid, @Descriptor("start address, page aligned") String addr,
            @Descriptor("length in bytes (suffix allowed)") String length,
            @Descriptor("protection: any of r, w, x, or - for none") String prot) {
        long a = Args.address(addr);
        long len = Args.size("length", length, 0);
        mm(pid).mprotect(a, len, prot(prot));
        return String.format(Locale.ROOT, "0x%x-0x%x is now %s", a, a + len, prot);
    }

    /**
     * Grows, shrinks or moves a mapping.
     *
     * @throws accelmm.api.ErrnoException as {@code mremap}: {@code ENOMEM} if it cannot grow in place
     *     without {@code --maymove}, {@code EFAULT} for an unmapped old range
     */
    @Descriptor("grow, shrink or move a mapping (mremap); prints the new address")
    public String mremap(
            @Descriptor("the mapping may move (MREMAP_MAYMOVE)") @Parameter(names = {"-m", "--maymove"}, presentValue = "true", absentValue = "false") boolean maymove,
            @Descriptor("move it to exactly this address (MREMAP_FIXED, implies --maymove)") @Parameter(names = {"--fixed"}, absentValue = "") String fixed,
            @Descriptor("process id") String pid, @Descriptor("old address") String addr,
            @Descriptor("old length (suffix allowed)") String oldLength, @Descriptor("new length (suffix allowed)") String newLength) {
        int flags = maymove || !fixed.isEmpty() ? MremapFlags.MAYMOVE : 0;
        long target = 0;
        if (!fixed.isEmpty()) {
            flags |= MremapFlags.FIXED;
            target = Args.address(fixed);
        }
        long moved = mm(pid).mremap(Args.address(addr), Args.size("old length", oldLength, 0),
                Args.size("new length", newLength, 1), flags, target);
        return String.format(Locale.ROOT, "0x%x", moved);
    }

    /**
     * Faults in a range as the CPU would (read faults, or write faults with {@code --write}).
     *
     * @throws accelmm.api.SegvException if a page is not mapped or not accessible
     */
    @Descriptor("fault in every page of a range, as MAP_POPULATE or MADV_POPULATE_READ/WRITE do")
    public String populate(@Descriptor("write-fault (break copy-on-write) instead of read-fault")
            @Parameter(names = {"-w", "--write"}, presentValue = "true", absentValue = "false") boolean write,
            @Descriptor("process id") String pid, @Descriptor("start address") String addr,
            @Descriptor("length in bytes (suffix allowed)") String length) {
        long a = Args.address(addr);
        long len = Args.size("length", length, 1);
        mm(pid).populate(a, len, write);
        return String.format(Locale.ROOT, "populated 0x%x-0x%x for %s", a, a + len, write ? "writing" : "reading");
    }

    /**
     * Gives huge-page advice for a range.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for other advice or an unaligned address;
     *     {@code ENOMEM} if part of the range is not mapped
     */
    @Descriptor("advise a range: hugepage (MADV_HUGEPAGE, it may get transparent huge pages) or nohugepage (MADV_NOHUGEPAGE, it never does)")
    public String madvise(@Descriptor("process id") String pid, @Descriptor("start address, page-aligned") String addr,
            @Descriptor("length in bytes (suffix allowed), rounded up to pages") String length,
            @Descriptor("hugepage or nohugepage") String advice) {
        long a = Args.address(addr);
        long len = Args.size("length", length, 0);
        int adv = switch (advice.toLowerCase(Locale.ROOT)) {
            case "hugepage" -> accelmm.api.mm.Madvise.HUGEPAGE;
            case "nohugepage" -> accelmm.api.mm.Madvise.NOHUGEPAGE;
            default -> throw accelmm.api.Errno.EINVAL.exception("advice " + advice + ": hugepage or nohugepage");
        };
        mm(pid).madvise(a, len, adv);
        return String.format(Locale.ROOT, "advised 0x%x-0x%x %s", a, a + len, advice.toLowerCase(Locale.ROOT));
    }

    /**
     * Writes text into a process's memory as its CPU would.
     *
     * @throws accelmm.api.SegvException if the range is not writable
     */
    @Descriptor("write text (UTF-8) into a process's memory as its CPU would")
    public String write(@Descriptor("process id") String pid, @Descriptor("address, e.g. 0x7f0000000000") String addr,
            @Descriptor("the text") String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        mm(pid).write(Args.address(addr), b, 0, b.length);
        return b.length + " bytes written";
    }

    /**
     * Reads a process's memory as its CPU would and shows it as a hex dump.
     *
     * @throws accelmm.api.SegvException if the range is not readable
     */
    @Descriptor("read a process's memory as its CPU would; shows a hex dump")
    public String read(@Descriptor("process id") String pid, @Descriptor("address") String addr,
            @Descriptor("bytes to read: 1 to 1m, suffix k or m allowed") String length) {
        long a = Args.address(addr);
        byte[] b = new byte[readLength(length)];
        mm(pid).read(a, b, 0, b.length);
        return hexdump(a, b);
    }

    private MmProcess process(String pid) {
        return memory.process(Args.pid(pid));
    }

    private AddressSpace mm(String pid) {
        return process(pid).mm();
    }

    private ProcessRow row(int pid) {
        for (ProcessInfo p : memory.processes()) {
            if (p.pid() == pid) {
                return new ProcessRow(p);
            }
        }
        throw Errno.ESRCH.exception("no process " + pid);
    }

    static int prot(String s) {
        int prot = Prot.NONE;
        for (char c : s.toCharArray()) {
            switch (c) {
                case 'r' -> prot |= Prot.READ;
                case 'w' -> prot |= Prot.WRITE;
                case 'x' -> prot |= Prot.EXEC;
                case '-' -> { }
                default -> throw Errno.EINVAL.exception("protection letters are r, w, x or -: " + s);
            }
        }
        return prot;
    }

    /**
     * The length of a read the shell shows as a hex dump.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} outside 1 to {@link #READ_MAX}
     */
    static int readLength(String length) {
        long n = Args.size("length", length, 1);
        if (n > READ_MAX) {
            throw Errno.EINVAL.exception("length " + length + " is out of range (1 to 1m)");
        }
        return (int) n;
    }

    static String hexdump(long addr, byte[] b) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < b.length; i += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (int j = i; j < Math.min(b.length, i + 16); j++) {
                hex.append(String.format(Locale.ROOT, "%02x ", b[j]));
                text.append(b[j] >= 32 && b[j] < 127 ? (char) b[j] : '.');
            }
            lines.add(String.format(Locale.ROOT, "%012x  %-48s |%s|", addr + i, hex, text));
        }
        return String.join("\n", lines);
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "mm", args);
    }
}
