package accelmm.itests;

import static accelmm.itests.support.TestBundles.activatorBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import accelmm.api.Errno;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDevice;
import accelmm.api.idr.Idr;
import accelmm.api.mm.MmProcess;
import accelmm.api.idr.IdrRegistry;
import accelmm.itests.shared.RegistryClientActivator;
import accelmm.itests.shared.SharedUserActivator;
import accelmm.itests.shared.value.SharedValue;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;
import accelmm.itests.support.TestBundles;

/** The kmod and mm commands through a Gogo session. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private CommandProcessor processor;

    @Inject
    private IdrRegistry registry;

    @Inject
    private Dma dma;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    /** Runs a command and returns its result as the shell prints it. */
    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    private Errno errnoOf(String command) throws Exception {
        return Gogo.failure(processor, command).errno();
    }

    private static Path jarFile(String name, byte[] jar) throws Exception {
        Path dir = HostOptions.workDir("shell").toPath();
        return TestBundles.write(jar, Files.createDirectories(dir.resolve("jars")).resolve(name));
    }

    private static byte[] client(String version) {
        return TestBundles.jar(activatorBundle("accelmm.itest.shellclient", version, RegistryClientActivator.class,
                "accelmm.api.idr;version=\"[1.0,2)\",org.osgi.framework"), RegistryClientActivator.class);
    }

    @Test
    public void lsmodListsTheHostWithStatesAndLevels() throws Exception {
        String out = run("kmod:lsmod");
        assertTrue(out, out.startsWith("ID  STATE   LEVEL  NAME"));
        assertTrue(out, out.matches("(?s).*\\n *\\d+  ACTIVE +3  accelmm\\.core +0\\.1\\.0.*"));
        assertTrue(out, out.contains("org.apache.felix.fileinstall"));
    }

    @Test
    public void modinfoShowsHeadersServicesAndWiring() throws Exception {
        String out = run("kmod:modinfo accelmm.core");
        assertTrue(out, out.contains("name                accelmm.core"));
        assertTrue(out, out.matches("(?s).*provides +accelmm\\.api\\.idr\\.IdrRegistry \\[\\d+\\].*accelmm\\.shell.*"));
        assertTrue(out, out.matches("(?s).*imports +accelmm\\.api\\.idr;version=1\\.1\\.0 +accelmm\\.api \\[\\d+\\].*"));
        assertEquals(Errno.ENOENT, errnoOf("kmod:modinfo no.such.module"));
        assertEquals(Errno.ENOENT, errnoOf("kmod:modinfo 9999"));
    }

    @Test
    public void dmaCommandsListDevicesAndBuffersUntilTheLastClose() throws Exception {
        DmaDevice dev = dma.createDevice("shellit-dev", 1 << 16, null);
        MmProcess p = memory.spawn("shellit");
        DmaBuf buf = dma.export("shellit-exporter", 8192, this, new DmaBufOps(null, null, null, null,
                (a, d) -> null, (a, t, d) -> { }, () -> { }, false));
        dma.fd(buf, p.fds(), Dma.O_RDWR);
        DmaBufAttachment at = buf.attach(dev);
        String bufs = run("mm:dmabuf");
        assertTrue(bufs, bufs.startsWith("INODE  EXPORTER"));
        assertTrue(bufs, bufs.matches("(?s).*\\b" + buf.inode() + "  shellit-exporter +8192 +1 +0 +0  shellit-dev.*"));
        String devices = run("mm:dma");
        assertTrue(devices, devices.matches("(?s).*shellit-dev +65536 +0 +0.*"));
        buf.detach(at);
        p.exit();
        assertTrue(buf.released());
        assertTrue(run("mm:dmabuf"), !run("mm:dmabuf").contains("shellit-exporter"));
        dma.removeDevice(dev);
        assertTrue(!run("mm:dma").contains("shellit-dev"));
    }

    @Test
    public void aHeapBufferIsSharedByTheCpuAndVgem() throws Exception {
        MmProcess p = memory.spawn("heapit");
        int pid = p.pid();
        assertEquals("fd 1", run("mm:heap_alloc " + pid + " 10000"));
        String addr = run("mm:dmabuf_mmap " + pid + " 1 12k");
        assertEquals("14 bytes written", run("mm:write " + pid + " " + addr + " hello-from-cpu"));
        assertEquals("synced", run("mm:dmabuf_sync " + pid + " 1 end w"));
        assertEquals("fd 0", run("mm:vgem_open " + pid));
        String imported = run("mm:vgem_import " + pid + " 0 1");
        assertTrue(imported, imported.startsWith("handle 1, 1 DMA segment(s)\n  0x"));
        String dump = run("mm:vgem_read " + pid + " 0 1 0 16");
        assertTrue(dump, dump.endsWith("|hello-from-cpu..|"));
        assertEquals("9 bytes written", run("mm:vgem_write " + pid + " 0 1 4096 from-vgem"));
        long page2 = Long.decode(addr) + 4096;
        assertTrue(run("mm:read " + pid + " 0x" + Long.toHexString(page2) + " 9").endsWith("|from-vgem|"));
        assertEquals(Errno.EINVAL, errnoOf("mm:dmabuf_mmap " + pid + " 1 16k"));
        assertEquals(Errno.EINVAL, errnoOf("mm:dmabuf_sync " + pid + " 1 end x"));
        assertEquals(Errno.ENOENT, errnoOf("mm:heap_alloc --heap cma " + pid + " 4k"));
        assertEquals(Errno.EACCES, errnoOf("mm:dmabuf_mmap " + pid + " " + run("mm:heap_alloc -m ro " + pid + " 4k").substring(3) + " 4k"));
        assertEquals("closed", run("mm:vgem_close " + pid + " 0 1"));
        assertEquals(Errno.EINVAL, errnoOf("mm:vgem_close " + pid + " 0 1"));
        p.exit();
        assertTrue(run("mm:dmabuf"), !run("mm:dmabuf").contains("system"));
    }

    @Test
    public void mmIdrListsRegistriesAndTheirEntries() throws Exception {
        Idr<String> idr = registry.idr("shellit", "objects", 1);
        idr.alloc("first", 1, 0);
        idr.alloc(null, 1, 0);
        String list = run("mm:idr");
        assertTrue(list, list.startsWith("OWNER"));
        assertTrue(list, list.matches("(?s).*\\nshellit +objects +IDR +1 +2(\\n.*|$)"));
        assertEquals("ID  VALUE\n 1  first\n 2  (reserved)", run("mm:idr shellit/objects"));
        assertEquals("ID  VALUE\n 1  first", run("mm:idr --limit 1 shellit/objects"));
        assertEquals(Errno.EINVAL, errnoOf("mm:idr shellit"));
        assertEquals(Errno.EINVAL, errnoOf("mm:idr --limit -1 shellit/objects"));
        assertEquals(Errno.ENOENT, errnoOf("mm:idr shellit/none"));
    }

    @Test
    public void insmodReloadAndRmmodManageAModule() throws Exception {
        Path v1 = jarFile("client-1.jar", client("1.0.0"));
        Path v2 = jarFile("client-2.jar", client("2.0.0"));
        String inserted = run("kmod:insmod " + v1);
        assertTrue(inserted, inserted.contains("STATE:   ACTIVE"));
        assertTrue(inserted, inserted.contains("VERSION: 1.0.0"));
        assertEquals(Errno.EEXIST, errnoOf("kmod:insmod " + v1));
        String dry = run("kmod:reload --dry-run accelmm.itest.shellclient");
        assertTrue(dry, dry.contains("accelmm.itest.shellclient  1.0.0"));
        String reloaded = run("kmod:reload accelmm.itest.shellclient " + v2);
        assertTrue(reloaded, reloaded.contains("ACTIVE"));
        assertTrue(reloaded, reloaded.contains("accelmm.itest.shellclient  2.0.0"));
        String removed = run("kmod:rmmod accelmm.itest.shellclient");
        assertTrue(removed, removed.contains("STATE:   UNINSTALLED"));
        assertEquals(Errno.ENOENT, errnoOf("kmod:rmmod accelmm.itest.shellclient"));
        assertEquals(Errno.EPERM, errnoOf("kmod:rmmod 0"));
    }

    @Test
    public void aFailedInsmodLeavesNothingInstalled() throws Exception {
        int before = context.getBundles().length;
        assertEquals(Errno.ENOENT, errnoOf("kmod:insmod /no/such/file.jar"));
        Path notABundle = jarFile("plain.jar", TestBundles.jar(Map.of()));
        assertEquals(Errno.ENOEXEC, errnoOf("kmod:insmod " + notABundle));
        Path unresolvable = jarFile("needs.jar", TestBundles.jar(activatorBundle("accelmm.itest.needs", "1.0.0",
                SharedUserActivator.class, "no.such.pkg,org.osgi.framework"), SharedUserActivator.class));
        assertEquals(Errno.EINVAL, errnoOf("kmod:insmod " + unresolvable));
        assertEquals(before, context.getBundles().length);
    }

    @Test
    public void pendingListsARemovedModuleThatIsStillWired() throws Exception {
        Path exporter = jarFile("exporter.jar", TestBundles.jar(Map.of("Bundle-SymbolicName", "accelmm.itest.exporter",
                "Bundle-Version", "1.0.0", "Export-Package", "accelmm.itests.shared.value;version=1.0.0"),
                SharedValue.class));
        Path user = jarFile("user.jar", TestBundles.jar(activatorBundle("accelmm.itest.user", "1.0.0",
                SharedUserActivator.class, "accelmm.itests.shared.value,org.osgi.framework"), SharedUserActivator.class));
        run("kmod:insmod " + exporter);
        run("kmod:insmod " + user);
        String closure = run("kmod:reload -n accelmm.itest.exporter");
        assertTrue(closure, closure.contains("accelmm.itest.exporter") && closure.contains("accelmm.itest.user"));
        assertEquals("ID  STATE  LEVEL  NAME  VERSION\n(none)", run("kmod:pending"));
        assertEquals("EBUSY: accelmm.itest.exporter is in use by modules accelmm.itest.user; --force removes it anyway",
                errorOf("kmod:rmmod accelmm.itest.exporter"));
        run("kmod:rmmod --force accelmm.itest.exporter");
        String pending = run("kmod:pending");
        assertTrue(pending, pending.contains("UNINSTALLED") && pending.contains("accelmm.itest.exporter"));
        run("kmod:rmmod accelmm.itest.user");
        run("kmod:refresh");
        assertEquals("ID  STATE  LEVEL  NAME  VERSION\n(none)", run("kmod:pending"));
    }

    private String errorOf(String command) throws Exception {
        return Gogo.failure(processor, command).getMessage();
    }

    @Test
    public void kmodRefusesWhatWouldBreakTheHostAndSaysWhyInAnErrno() throws Exception {
        Path dir = Files.createDirectories(HostOptions.workDir("shell").toPath().resolve("adir"));
        assertEquals("EISDIR: " + dir + " is a directory; a module is a jar file", errorOf("kmod:insmod " + dir));
        assertEquals("EIO: cannot fetch http://localhost:1/x.jar: connection refused", errorOf("kmod:insmod http://localhost:1/x.jar"));
        assertEquals("EINVAL: 'ftp:bad' is not a file or a URL that can be read (file:, http:, https:, jar:)",
                errorOf("kmod:insmod ftp:bad"));
        Path text = Files.writeString(HostOptions.workDir("shell").toPath().resolve("notajar.jar"), "hello");
        assertEquals(Errno.EPERM, errnoOf("kmod:rmmod org.apache.felix.gogo.runtime"));
        assertEquals(Errno.EPERM, errnoOf("kmod:reload org.apache.felix.scr"));
        Path v1 = jarFile("twin-a.jar", client("1.0.0"));
        Path twin = jarFile("twin-b.jar", client("1.0.0"));
        Path other = jarFile("other.jar", TestBundles.jar(activatorBundle("accelmm.itest.other", "1.0.0",
                RegistryClientActivator.class, "accelmm.api.idr;version=\"[1.0,2)\",org.osgi.framework"), RegistryClientActivator.class));
        run("kmod:insmod " + v1);
        try {
            assertTrue(errorOf("kmod:insmod " + twin).startsWith("EEXIST: module accelmm.itest.shellclient 1.0.0 is already loaded"));
            assertEquals("ENOEXEC: " + text + " is not a module: a jar without a manifest",
                    errorOf("kmod:reload accelmm.itest.shellclient " + text));
            assertEquals("EINVAL: " + other + " is module accelmm.itest.other, not accelmm.itest.shellclient; 'kmod:insmod "
                    + other + "' loads it beside", errorOf("kmod:reload accelmm.itest.shellclient " + other));
        } finally {
            run("kmod:rmmod accelmm.itest.shellclient");
        }
        MmProcess p = memory.spawn("holds-the-core");
        try {
            assertEquals("EBUSY: accelmm.core is in use by 1 live process; --force removes it anyway", errorOf("kmod:rmmod accelmm.core"));
            assertEquals("EBUSY: accelmm.core is in use by 1 live process; --force reloads it anyway", errorOf("kmod:reload accelmm.core"));
        } finally {
            p.exit();
        }
        Bundle needs = context.installBundle("itest:needs", new java.io.ByteArrayInputStream(TestBundles.jar(activatorBundle(
                "accelmm.itest.needs2", "1.0.0", SharedUserActivator.class, "no.such.pkg,org.osgi.framework"), SharedUserActivator.class)));
        try {
            String info = run("kmod:modinfo accelmm.itest.needs2");
            assertTrue(info, info.matches("(?s).*missing +osgi\\.wiring\\.package \\(osgi\\.wiring\\.package=no\\.such\\.pkg\\) +no module "
                    + "provides it: accelmm\\.itest\\.needs2 cannot resolve.*"));
        } finally {
            needs.uninstall();
        }
    }

    @Test
    public void configCommandsShowAndChangeConfigurations() throws Exception {
        assertEquals("accelmm.itest.cfg: answer = 42", run("config:property-set accelmm.itest.cfg answer 42"));
        assertTrue(run("config:list").contains("pid accelmm.itest.cfg\n  answer = 42"));
        String edit = run("config:edit accelmm.itest.cfg");
        assertTrue(edit, edit.startsWith("pid accelmm.itest.cfg\n  answer = 42\n\nchange a property: config:property-set accelmm.itest.cfg KEY VALUE"));
        assertEquals("accelmm.itest.cfg: answer removed", run("config:property-delete accelmm.itest.cfg answer"));
        assertEquals(Errno.ENOENT, errnoOf("config:property-delete accelmm.itest.cfg answer"));
        assertEquals(Errno.ENOENT, errnoOf("config:edit no.such.pid"));
        assertEquals(Errno.EINVAL, errnoOf("config:property-set accelmm.itest.cfg service.pid x"));
        assertTrue(run("config:property-set --help").startsWith("config:property-set - set one property of a configuration"));
        assertTrue(errorOf("log:display").startsWith("ENOENT: this host keeps no log"));
        assertEquals(Errno.EINVAL, errnoOf("log:set loud"));
    }

    /**
     * Gogo calls a scope's {@code _main} fallback when it ranks it above every method of the name;
     * a method that takes numbers (a coercion) can lose to it. Every accelmm command takes text and
     * flags and parses numbers itself.
     */
    @Test
    public void everyAccelmmCommandTakesTextAndFlagsOnly() throws Exception {
        List<String> bad = new java.util.ArrayList<>();
        for (org.osgi.framework.ServiceReference<?> r : context.getServiceReferences((String) null, "(osgi.command.function=*)")) {
            if (r.getBundle() == null || !r.getBundle().getSymbolicName().startsWith("accelmm.")) {
                continue;
            }
            Object target = context.getService(r);
            try {
                Object fns = r.getProperty("osgi.command.function");
                for (String fn : fns instanceof String[] a ? a : new String[] {String.valueOf(fns)}) {
                    for (java.lang.reflect.Method m : target.getClass().getMethods()) {
                        if (!m.getName().equals(fn.replace('-', '_'))) {
                            continue;
                        }
                        for (Class<?> t : m.getParameterTypes()) {
                            if (t != String.class && t != boolean.class && t != String[].class && t != Object[].class
                                    && !t.getName().equals("org.apache.felix.service.command.CommandSession")) {
                                bad.add(r.getProperty("osgi.command.scope") + ":" + fn + " takes " + t.getSimpleName());
                            }
                        }
                    }
                }
            } finally {
                context.ungetService(r);
            }
        }
        assertEquals(List.of(), bad);
        assertTrue(run("torture:run --help").startsWith("torture:run - random concurrent calls"));
    }
}
