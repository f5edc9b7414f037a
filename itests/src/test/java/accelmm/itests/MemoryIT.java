package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SegvException;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;

/** The memory-manager service and the mm commands through OSGi. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MemoryIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    @After
    public void cleanUp() {
        memory.processes().forEach(p -> memory.process(p.pid()).exit());
        assertEquals(List.of(), memory.check());
        assertEquals(0, memory.nodes().get(0).used());
    }

    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    @Test
    public void processesMapWriteForkAndReadBackThroughTheService() {
        MmProcess parent = memory.spawn("parent");
        long a = parent.mm().mmap(0, 2 * 4096, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        byte[] data = "bytes survive fork".getBytes();
        parent.mm().write(a, data, 0, data.length);
        MmProcess child = parent.fork("child");
        byte[] back = new byte[data.length];
        child.mm().read(a, back, 0, back.length);
        assertArrayEquals(data, back);
        child.mm().write(a, new byte[] {'B'}, 0, 1);
        parent.mm().read(a, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(1L, (long) memory.counters().get("cow.copies"));
        try {
            parent.mm().read(a + 2 * 4096, back, 0, 1);
            fail("read past the mapping");
        } catch (SegvException e) {
            assertEquals(Errno.EFAULT, e.errno());
        }
        try {
            memory.process(99999);
            fail("found a process that does not exist");
        } catch (ErrnoException e) {
            assertEquals(Errno.ESRCH, e.errno());
        }
    }

    @Test
    public void theMmCommandsDriveAndShowAnAddressSpace() throws Exception {
        String spawned = run("mm:spawn shellproc");
        assertTrue(spawned, spawned.contains("NAME:      shellproc"));
        int pid = memory.processes().get(0).pid();
        String addr = run("mm:mmap --prot rw " + pid + " 8k");
        assertTrue(addr, addr.startsWith("0x"));
        assertEquals("5 bytes written", run("mm:write " + pid + " " + addr + " hello"));
        String dump = run("mm:read " + pid + " " + addr + " 8");
        assertTrue(dump, dump.endsWith("68 65 6c 6c 6f 00 00 00                          |hello...|"));
        String maps = run("mm:maps " + pid);
        assertTrue(maps, maps.matches("(?s)RANGE +PERMS +OFFSET +KB +RSS_PAGES +NAME\\n[0-9a-f]{12}-[0-9a-f]{12} +rw-p +00000000 +8 +1 +\\[anon\\]"));
        String ps = run("mm:ps");
        assertTrue(ps, ps.contains("shellproc"));
        String stats = run("mm:stats");
        assertTrue(stats, stats.contains("fault.anon") && stats.matches("(?s).*\\bhost +HOST\\b.*"));
        assertEquals("all invariants hold", run("mm:check"));
        String armed = run("mm:fail --times 1 page.alloc");
        assertTrue(armed, armed.matches("(?s).*\\npage\\.alloc +yes +0 +0(\\n.*|$)"));
        String secondPage = String.format("0x%x", Long.parseUnsignedLong(addr.substring(2), 16) + 4096);
        try {
            run("mm:write " + pid + " " + secondPage + " lost");
            fail("the armed allocation did not fail");
        } catch (ErrnoException expected) {
            assertEquals(Errno.ENOMEM, expected.errno());
        }
        String after = run("mm:fail");
        assertTrue(after, after.matches("(?s).*\\npage\\.alloc +yes +1 +1(\\n.*|$)"));
        run("mm:fail --off page.alloc");
        assertTrue(run("mm:read " + pid + " " + secondPage + " 4").contains("00 00 00 00"));
        try {
            run("mm:read " + pid + " 0x10 4");
            fail("read of an unmapped address");
        } catch (SegvException e) {
            assertTrue(e.getMessage().contains("SEGV_MAPERR"));
        }
        assertEquals("process " + pid + " exited", run("mm:kill " + pid));
        assertEquals("PID  NAME  VMAS  VIRT_KB  RSS_PAGES\n(none)", run("mm:ps"));
    }

    private ErrnoException fails(String command) throws Exception {
        return Gogo.failure(processor, command);
    }

    @Test
    public void theAddressSpaceCommandsMakeTheSystemCalls() throws Exception {
        run("mm:spawn calls");
        int pid = memory.processes().get(0).pid();
        long a = Long.parseUnsignedLong(run("mm:mmap --populate " + pid + " 16k").substring(2), 16);
        assertEquals(4L, (long) memory.process(pid).mm().maps().get(0).residentPages());
        assertEquals(String.format("0x%x-0x%x is now r", a, a + 4096), run(String.format("mm:mprotect %d 0x%x 4k r", pid, a)));
        assertTrue(fails(String.format("mm:write %d 0x%x x", pid, a)) instanceof SegvException);
        assertEquals(String.format("unmapped 0x%x-0x%x", a + 12288, a + 16384), run(String.format("mm:munmap %d 0x%x 4k", pid, a + 12288)));
        String moved = run(String.format("mm:mremap --maymove %d 0x%x 4k 1m", pid, a + 4096));
        assertTrue(moved, moved.startsWith("0x"));
        assertEquals(String.format("populated %s-0x%x for writing", moved, Long.parseUnsignedLong(moved.substring(2), 16) + (1 << 20)),
                run(String.format("mm:populate --write %d %s 1m", pid, moved)));
        String child = run("mm:fork --name kid " + pid);
        assertTrue(child, child.contains("NAME:      kid"));
        assertEquals(2, memory.processes().size());
    }

    @Test
    public void badArgumentsAreAnErrnoAndASentence() throws Exception {
        run("mm:spawn args");
        int pid = memory.processes().get(0).pid();
        assertEquals("EINVAL: pid 4294967297 is out of range (1 to 2147483647)", fails("mm:maps 4294967297").getMessage());
        assertEquals("EINVAL: pid 4294967297 is out of range (1 to 2147483647)", fails("mm:mmap 4294967297 4k").getMessage());
        assertEquals("EINVAL: length 4294967312 is out of range (1 to 1m)",
                fails("mm:read " + pid + " 0x7f0000000000 4294967312").getMessage());
        assertEquals("EINVAL: mm:mmap: missing arguments\n  usage: mm:mmap [--prot PROT] [--shared] [--populate] [--hugetlb SIZE] PID LENGTH\n"
                + "  'help mm:mmap' explains each argument", fails("mm:mmap").getMessage());
        assertEquals(Errno.EINVAL, fails("mm:mmap " + pid).errno());
        assertTrue(run("mm:mmap --help").startsWith("mm:mmap - map anonymous memory into a process; prints the address\n"
                + "usage: mm:mmap [--prot PROT] [--shared] [--populate] [--hugetlb SIZE] PID LENGTH\n"));
        assertEquals("EINVAL: 'zz' is not an address (0x... or a decimal number below 2^64)",
                fails("mm:write " + pid + " zz text").getMessage());
        ErrnoException unknown = fails("mm:mapz " + pid);
        assertEquals(Errno.ENOENT, unknown.errno());
        assertTrue(unknown.getMessage(), unknown.getMessage().startsWith("ENOENT: no command 'mm:mapz'; did you mean mm:maps or mm:mmap"));
        assertEquals(unknown.getMessage(), unknown.toString());
        assertTrue(run("help mm").contains("  mm:munmap              unmap a range of a process's memory (munmap)"));
        assertTrue(run("help").contains("  kmod:rmmod             stop and uninstall a module"));
        assertTrue(run("help mm:fail").contains("-t, --times            at most this many failures; default 1"));
    }
}
