package accelmm.itests;

import static accelmm.itests.support.TestBundles.activatorBundle;
import static org.junit.Assert.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
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
import org.osgi.service.cm.ConfigurationAdmin;

import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.RegistryEntry;
import accelmm.itests.shared.RegistryClientActivator;
import accelmm.itests.support.Await;
import accelmm.itests.support.HostOptions;
import accelmm.itests.support.TestBundles;

/** The deploy folder: dropping, overwriting and deleting files installs, updates and uninstalls. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileInstallIT extends accelmm.itests.support.HostTestBase {
    private static final File DEPLOY = new File(HostOptions.workDir("fileinstall"), "deploy");
    private static final String BSN = "accelmm.itest.deployed";

    @Inject
    private IdrRegistry registry;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return HostOptions.hostWithDeploy(DEPLOY);
    }

    private Bundle deployed() {
        for (Bundle b : context.getBundles()) {
            if (BSN.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static byte[] jar(String version) {
        return TestBundles.jar(activatorBundle(BSN, version, RegistryClientActivator.class,
                "accelmm.api.idr;version=\"[1.0,2)\",org.osgi.framework"), RegistryClientActivator.class);
    }

    @Test
    public void droppingOverwritingAndDeletingAJarInstallsUpdatesAndUninstalls() throws Exception {
        Path target = DEPLOY.toPath().resolve("deployed.jar");
        TestBundles.write(jar("1.0.0"), target);
        Await.until("the dropped bundle to start", 20_000,
                () -> deployed() != null && deployed().getState() == Bundle.ACTIVE);
        assertEquals("1.0.0", deployed().getVersion().toString());
        Thread.sleep(1100);
        TestBundles.write(jar("2.0.0"), target);
        Await.until("the overwritten bundle to be updated", 20_000,
                () -> deployed() != null && deployed().getVersion().toString().equals("2.0.0")
                        && deployed().getState() == Bundle.ACTIVE);
        assertEquals(List.of(new RegistryEntry(1, false, "v1.0.0"), new RegistryEntry(2, false, "v2.0.0")),
                registry.entries("itest", "client", 10));
        Files.delete(target);
        Await.until("the deleted bundle to be uninstalled", 20_000, () -> deployed() == null);
    }

    @Test
    public void aCfgFileConfiguresThroughConfigAdmin() throws Exception {
        Path cfg = DEPLOY.toPath().resolve("accelmm.itest.cfg");
        Files.writeString(cfg, "answer = 42\nname = accelmm\n");
        Await.until("the configuration to appear", 20_000, () -> {
            try {
                return configAdmin.listConfigurations("(service.pid=accelmm.itest)") != null;
            } catch (Exception e) {
                return false;
            }
        });
        org.osgi.service.cm.Configuration c = configAdmin.listConfigurations("(service.pid=accelmm.itest)")[0];
        Dictionary<String, Object> props = c.getProperties();
        assertEquals("42", String.valueOf(props.get("answer")));
        assertEquals("accelmm", props.get("name"));
        // An update through ConfigAdmin is not written back into the user's file.
        props.put("answer", "43");
        c.update(props);
        Thread.sleep(1000);
        assertEquals("answer = 42\nname = accelmm\n", Files.readString(cfg));
        Thread.sleep(1100);
        Files.writeString(cfg, "answer = 44\nname = accelmm\n");
        Await.until("the edited file to reach the configuration", 20_000, () -> {
            try {
                return "44".equals(String.valueOf(configAdmin.listConfigurations("(service.pid=accelmm.itest)")[0]
                        .getProperties().get("answer")));
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(1000);
        assertEquals("answer = 44\nname = accelmm\n", Files.readString(cfg));
        Files.delete(cfg);
        Await.until("the configuration to be deleted", 20_000, () -> {
            try {
                return configAdmin.listConfigurations("(service.pid=accelmm.itest)") == null;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
