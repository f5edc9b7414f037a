package accelmm.itests.support;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;

import accelmm.launcher.HostBundle;
import accelmm.launcher.HostLayout;

/**
 * The Pax Exam configuration of the host: exactly the launcher's bundle set and start levels, from
 * the launcher's own bundles folder, without the interactive shell.
 */
public final class HostOptions {
    private HostOptions() {
    }

    /** Returns the folder of the host bundles, as failsafe passes it. */
    public static File bundlesDir() {
        return new File(System.getProperty("accelmm.bundles", "../launcher/target/bundles"));
    }

    /** Returns a scratch folder of the test run. */
    public static File workDir(String name) {
        File dir = new File(System.getProperty("accelmm.itest.work", "target/itest-work"), name);
        dir.mkdirs();
        return dir.getAbsoluteFile();
    }

    /** The system property that tells in-framework tests the host bundles as {@code file:level,...}. */
    public static final String HOST_BUNDLES_PROPERTY = "accelmm.itest.hostBundles";

    /** Returns the jar of a driver bundle the launcher ships ({@code drivers/accelmm-driver-NAME.jar}). */
    public static File driverJar(String name) {
        return new File(bundlesDir().getParentFile(), "drivers/" + HostLayout.DRIVER_PREFIX + name + ".jar");
    }

    /** The option that installs and starts a shipped driver at the drivers' start level. */
    public static Option driver(String name) {
        return bundle(driverJar(name).toURI().toString()).startLevel(HostLayout.LEVEL_DRIVERS);
    }

    /** The host watching an emptied {@code deploy} folder every 100 ms, plus {@code extra} options. */
    public static Option[] hostWithDeploy(File deploy, Option... extra) {
        deploy.mkdirs();
        for (File f : deploy.listFiles()) {
            f.delete();
        }
        List<Option> options = new ArrayList<>(List.of(extra));
        options.add(frameworkProperty("felix.fileinstall.dir").value(deploy.getAbsolutePath()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("100"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        return host(options.toArray(new Option[0]));
    }

    /** The host plus {@code extra} options. */
    public static Option[] host(Option... extra) {
        List<Option> options = new ArrayList<>();
        options.add(systemProperty("org.ops4j.pax.url.mvn.repositories").value(""));
        options.add(frameworkProperty("felix.bootdelegation.implicit").value("false"));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        options.add(frameworkStartLevel(HostLayout.LEVEL_DEPLOY + 1));
        StringBuilder expected = new StringBuilder();
        for (HostBundle hb : HostLayout.BUNDLES) {
            if (!hb.interactiveOnly()) {
                expected.append(expected.length() == 0 ? "" : ",").append(hb.file()).append(':').append(hb.startLevel());
                options.add(bundle(new File(bundlesDir(), hb.file()).toURI().toString()).startLevel(hb.startLevel()));
            }
        }
        options.add(systemProperty(HOST_BUNDLES_PROPERTY).value(expected.toString()));
        options.add(junitBundles());
        options.add(cleanCaches(true));
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }
}
