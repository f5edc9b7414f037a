package accelmm.itests;

import static accelmm.itests.support.TestBundles.activatorBundle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.fail;

import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.RegistryEntry;
import accelmm.api.idr.RegistryInfo;
import accelmm.api.idr.RegistryKind;
import accelmm.itests.shared.RegistryClientActivator;
import accelmm.itests.support.HostOptions;
import accelmm.itests.support.TestBundles;

/** The host's bundle set boots, and the registry service works through OSGi. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private IdrRegistry registry;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    @Test
    public void everyHostBundleIsActiveAtItsStartLevel() {
        String[] expected = System.getProperty(HostOptions.HOST_BUNDLES_PROPERTY).split(",");
        assertEquals(23, expected.length);
        for (String entry : expected) {
            String file = entry.substring(0, entry.indexOf(':'));
            int level = Integer.parseInt(entry.substring(entry.indexOf(':') + 1));
            Bundle found = null;
            for (Bundle b : context.getBundles()) {
                if (b.getLocation().endsWith("/" + file)) {
                    found = b;
                }
            }
            assertNotNull(file + " is installed", found);
            assertEquals(file + " is active", Bundle.ACTIVE, found.getState());
            assertEquals(file, level, found.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).getStartLevel());
        }
    }

    @Test
    public void theRegistryServiceAllocatesWithKernelRulesThroughOsgi() {
        Idr<String> idr = registry.idr("hostit", "handles", 1);
        int reserved = idr.alloc(null, 1, 0);
        assertEquals(1, reserved);
        assertNull(idr.find(reserved));
        idr.replace("published", reserved);
        assertEquals("published", idr.find(1));
        assertSame(idr, registry.idr("hostit", "handles", 1));
        try {
            idr.alloc("x", -1, 0);
            fail("negative start accepted");
        } catch (ErrnoException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        try {
            registry.ida("hostit", "handles");
            fail("kind clash accepted");
        } catch (ErrnoException e) {
            assertEquals(Errno.EEXIST, e.errno());
        }
        assertEquals(List.of(new RegistryEntry(1, false, "published")), registry.entries("hostit", "handles", 10));
        assertEquals(new RegistryInfo("hostit", "handles", RegistryKind.IDR, 1, 1), registry.list().stream()
                .filter(i -> i.owner().equals("hostit")).findFirst().orElseThrow());
    }

    @Test
    public void registriesOutliveTheBundleThatAskedForThem() throws Exception {
        byte[] v1 = TestBundles.jar(activatorBundle("accelmm.itest.client", "1.0.0", RegistryClientActivator.class,
                "accelmm.api.idr;version=\"[1.0,2)\",org.osgi.framework"), RegistryClientActivator.class);
        byte[] v2 = TestBundles.jar(activatorBundle("accelmm.itest.client", "2.0.0", RegistryClientActivator.class,
                "accelmm.api.idr;version=\"[1.0,2)\",org.osgi.framework"), RegistryClientActivator.class);
        Bundle b = context.installBundle("itest:client", TestBundles.stream(v1));
        b.start();
        assertEquals(List.of(new RegistryEntry(1, false, "v1.0.0")), registry.entries("itest", "client", 10));
        b.uninstall();
        assertEquals(1, registry.idr("itest", "client", 1).count());
        Bundle again = context.installBundle("itest:client", TestBundles.stream(v2));
        again.start();
        assertEquals(List.of(new RegistryEntry(1, false, "v1.0.0"), new RegistryEntry(2, false, "v2.0.0")),
                registry.entries("itest", "client", 10));
        again.uninstall();
    }
}
