package accelmm.itests;

import static accelmm.itests.support.TestBundles.activatorBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;

import accelmm.api.Errno;
import accelmm.api.device.CommandRequest;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceState;
import accelmm.api.device.Devices;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.itests.driver.ItestCommands;
import accelmm.itests.driver.ItestDriver;
import accelmm.itests.driver.ItestDriverActivator;
import accelmm.itests.support.Await;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;
import accelmm.itests.support.TestBundles;

/** Plugin drivers: live update under load, uninstall under load, and the same through deploy/. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeviceIT extends accelmm.itests.support.HostTestBase {
    private static final File DEPLOY = new File(HostOptions.workDir("devices"), "deploy");
    private static final String BSN = "accelmm.itest.driver";
    private static final int THREADS = 4;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.hostWithDeploy(DEPLOY);
    }

    private Devices devices() {
        ServiceReference<Devices> ref = context.getServiceReference(Devices.class);
        return ref == null ? null : context.getService(ref);
    }

    private DeviceInfo info(String device) {
        Devices d = devices();
        try {
            return d == null ? null : d.info(device);
        } catch (ErrnoException e) {
            return null;
        }
    }

    private static byte[] driverJar(String version) {
        return TestBundles.jar(activatorBundle(BSN, version, ItestDriverActivator.class,
                "accelmm.api;version=\"[1.0,2)\",accelmm.api.device;version=\"[2.0,3)\",accelmm.api.idr;version=\"[1.0,2)\","
                        + "accelmm.api.mm;version=\"[1.0,2)\",accelmm.api.mmu;version=\"[1.0,2)\","
                        + "org.osgi.framework"), ItestDriverActivator.class, ItestDriver.class, ItestCommands.class);
    }

    /** A short grace period, and device itest0. */
    @Before
    public void configure() throws Exception {
        org.osgi.service.cm.Configuration grace = configAdmin.getConfiguration("accelmm.core.devices", "?");
        if (grace.getProperties() == null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("unplugGraceMs", 300L);
            grace.update(p);
        }
        org.osgi.service.cm.Configuration dev = configAdmin.getFactoryConfiguration("accelmm.device", "itest0", "?");
        if (dev.getProperties() == null) {
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("name", "itest0");
            p.put("kind", "itest");
            p.put("memoryMiB", 8L);
            dev.update(p);
        }
        // Kind itest has no driver until a test installs one: the device waits for it.
    }

    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("refresh", done.await(30, TimeUnit.SECONDS));
    }

    private void awaitBound(String device, String version) throws InterruptedException {
        Await.until(device + " bound to " + version, 20_000, () -> {
            DeviceInfo i = info(device);
            return i != null && i.state() == DeviceState.BOUND && i.driverVersion().equals(version);
        });
    }

    /** A thread that stores and reads back values without pause, remembering what it stored. */
    private final class Load extends Thread {
        final MmProcess process;
        final int fd;
        final Map<Integer, String> stored = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Throwable> errors;
        final AtomicBoolean stop;
        volatile boolean sawEnodev;

        Load(int n, ConcurrentLinkedQueue<Throwable> errors, AtomicBoolean stop) {
            this.process = memory.spawn("load" + n);
            this.fd = devices().open(process, "itest0");
            this.errors = errors;
            this.stop = stop;
        }

        @Override
        public void run() {
            int i = 0;
            while (!stop.get()) {
                String value = process.pid() + "-" + i++;
                try {
                    int id = (Integer) devices().ioctl(process, fd, new CommandRequest("put:" + value));
                    stored.put(id, value);
                    String got = (String) devices().ioctl(process, fd, new CommandRequest("get:" + id));
                    if (!got.endsWith(":" + value)) {
                        errors.add(new AssertionError(got + " for " + value));
                    }
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENODEV) {
                        sawEnodev = true;
                        return;
                    }
                    errors.add(e);
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
    }

    @Test
    public void twentyUpdatesUnderLoadLoseNoCallAndNoObjectAndFreeTheOldLoaders() throws Exception {
        withDriver("itest-driver", "1.0.0", this::updateUnderLoad);
    }

    /** A test step with a bundle. */
    private interface BundleStep {
        void run(Bundle b) throws Exception;
    }

    /** Installs the plugin driver, runs {@code step}, and uninstalls the driver if it is still there. */
    private void withDriver(String location, String version, BundleStep step) throws Exception {
        Bundle b = context.installBundle(location, TestBundles.stream(driverJar(version)));
        try {
            step.run(b);
        } finally {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
    }

    private void updateUnderLoad(Bundle b) throws Exception {
        b.start();
        awaitBound("itest0", "1.0.0");
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Load> loads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            loads.add(new Load(t, errors, stop));
        }
        loads.forEach(Thread::start);
        long binds = info("itest0").binds();
        List<WeakReference<ClassLoader>> oldLoaders = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            oldLoaders.add(new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader()));
            b.update(TestBundles.stream(driverJar("1.0." + i)));
            refresh(b);
            Thread.sleep(20);
        }
        stop.set(true);
        for (Load l : loads) {
            l.join(20_000);
            assertTrue("a load thread saw ENODEV", !l.sawEnodev);
        }
        assertEquals(List.of(), List.copyOf(errors));
        awaitBound("itest0", "1.0.20");
        int objects = 0;
        for (Load l : loads) {
            assertTrue(l.stored.size() > 0);
            for (Map.Entry<Integer, String> e : l.stored.entrySet()) {
                assertEquals("1.0.20:" + e.getValue(), devices().ioctl(l.process, l.fd, new CommandRequest("get:" + e.getKey())));
                objects++;
            }
            l.process.exit();
        }
        assertTrue(objects > 0);
        // update starts the new revision; the refresh stops and starts it once more: two swaps each
        assertEquals(binds + 40, info("itest0").binds());
        Await.until("the old driver class loaders to be collected", 30_000, () -> {
            System.gc();
            return oldLoaders.stream().allMatch(r -> r.get() == null);
        });
        b.uninstall();
        Await.until("itest0 unplugged", 20_000, () -> info("itest0").state() == DeviceState.UNBOUND);
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void uninstallUnderLoadAnswersEnodevAndLeaksNothing() throws Exception {
        withDriver("itest-driver-2", "2.0.0", this::uninstallUnderLoad);
    }

    private void uninstallUnderLoad(Bundle b) throws Exception {
        b.start();
        awaitBound("itest0", "2.0.0");
        assertEquals("itest driver 2.0.0", Gogo.run(processor, "itest:hello"));
        assertTrue(Gogo.run(processor, "dev:list"), Gogo.run(processor, "dev:list")
                .matches("(?s).*itest0 +itest +accelmm\\.itest\\.driver +2\\.0\\.0 +BOUND.*"));
        MmProcess pinner = memory.spawn("pinner");
        long va = pinner.mm().mmap(0, 1L << 16, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        pinner.mm().write(va, new byte[] {7}, 0, 1);
        int fd = devices().open(pinner, "itest0");
        assertEquals(4, devices().ioctl(pinner, fd, new CommandRequest("pin:" + va + ":4")));
        long table = (Long) devices().ioctl(pinner, fd, new CommandRequest("pt:0x100000"));
        assertTrue(Gogo.run(processor, "mm:pt itest0").contains("table " + table));
        String walk = Gogo.run(processor, "mm:pt itest0 " + table + " 0x100123");
        assertTrue(walk, walk.matches("(?s).*L0\\[  0\\].*table.*L3\\[256\\] .* page -> 0x40000000 prot 1.*"));
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Load> loads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            loads.add(new Load(t, errors, stop));
        }
        loads.forEach(Thread::start);
        Thread.sleep(100);
        b.uninstall();
        for (Load l : loads) {
            l.join(20_000);
            assertTrue("every caller ends with ENODEV", l.sawEnodev);
        }
        stop.set(true);
        assertEquals(List.of(), List.copyOf(errors));
        try {
            devices().ioctl(pinner, fd, new CommandRequest("version"));
            fail("a dead file answered");
        } catch (ErrnoException e) {
            assertEquals(Errno.ENODEV, e.errno());
        }
        assertEquals(DeviceState.UNBOUND, info("itest0").state());
        assertEquals(List.of(), memory.check());
        try {
            Gogo.run(processor, "itest:hello");
            fail("the driver's command outlived it");
        } catch (ErrnoException e) {
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage(), e.getMessage().startsWith("ENOENT: no command 'itest:hello'"));
        }
        pinner.exit();
        loads.forEach(l -> l.process.exit());
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void deployFolderAddsDevicesAndDriversUpdatesAndRemovesThem() throws Exception {
        Path cfg = DEPLOY.toPath().resolve("accelmm.device-itest9.cfg");
        Files.writeString(cfg, "name = itest9\nkind = itest\nmaxSegSize = 131072\n");
        Path jar = DEPLOY.toPath().resolve("itest-driver.jar");
        TestBundles.write(driverJar("3.0.0"), jar);
        awaitBound("itest9", "3.0.0");
        assertEquals(131072, devices().spec("itest9").maxSegSize());
        MmProcess p = memory.spawn("deployed");
        int fd = devices().open(p, "itest9");
        int id = (Integer) devices().ioctl(p, fd, new CommandRequest("put:kept"));
        Thread.sleep(1100);
        TestBundles.write(driverJar("3.1.0"), jar);
        awaitBound("itest9", "3.1.0");
        assertEquals("3.1.0:kept", devices().ioctl(p, fd, new CommandRequest("get:" + id)));
        Files.delete(jar);
        Await.until("itest9 unplugged", 20_000, () -> info("itest9").state() == DeviceState.UNBOUND);
        try {
            devices().ioctl(p, fd, new CommandRequest("get:" + id));
            fail("a dead file answered");
        } catch (ErrnoException e) {
            assertEquals(Errno.ENODEV, e.errno());
        }
        p.exit();
        Files.delete(cfg);
        Await.until("itest9 removed", 20_000, () -> info("itest9") == null);
        assertEquals(List.of(), memory.check());
    }
}
