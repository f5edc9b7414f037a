package accelmm.launcher;

import java.util.List;

/**
 * The host's bundle set and start order, shared by the launcher and the integration tests so that
 * both boot the same host.
 *
 * <p>Order matters: SPI Fly with ASM, then the SLF4J API and its provider start first (SLF4J 2 binds
 * its provider once, so anything logging earlier would be silenced); then OSGi libraries, SCR,
 * ConfigAdmin and Gogo; then accelmm; then the drivers; then FileInstall, so a {@code deploy/}
 * folder is read once the core is up; the interactive shell comes last, when every command is
 * registered.
 *
 * <p>Concurrency: constants only.
 */
public final class HostLayout {
    /** Start level of logging and the service-loader mediator. */
    public static final int LEVEL_LOGGING = 1;
    /** Start level of OSGi libraries, SCR, ConfigAdmin and Gogo. */
    public static final int LEVEL_SERVICES = 2;
    /** Start level of the accelmm core and shell. */
    public static final int LEVEL_CORE = 3;
    /** Start level of driver bundles. */
    public static final int LEVEL_DRIVERS = 4;
    /** Start level of FileInstall. */
    public static final int LEVEL_DEPLOY = 5;
    /** Start level of the interactive shell. */
    public static final int LEVEL_SHELL = 6;

    /** Every bundle in the bundles folder, in start order. */
    public static final List<HostBundle> BUNDLES = List.of(
            new HostBundle("asm.jar", LEVEL_LOGGING, false),
            new HostBundle("asm-tree.jar", LEVEL_LOGGING, false),
            new HostBundle("asm-analysis.jar", LEVEL_LOGGING, false),
            new HostBundle("asm-commons.jar", LEVEL_LOGGING, false),
            new HostBundle("asm-util.jar", LEVEL_LOGGING, false),
            new HostBundle("org.apache.aries.spifly.dynamic.bundle.jar", LEVEL_LOGGING, false),
            new HostBundle("slf4j-api.jar", LEVEL_LOGGING, false),
            new HostBundle("slf4j-simple.jar", LEVEL_LOGGING, false),
            new HostBundle("org.osgi.util.function.jar", LEVEL_SERVICES, false),
            new HostBundle("org.osgi.util.promise.jar", LEVEL_SERVICES, false),
            new HostBundle("org.osgi.service.component.jar", LEVEL_SERVICES, false),
            new HostBundle("org.apache.felix.scr.jar", LEVEL_SERVICES, false),
            new HostBundle("org.apache.felix.configadmin.jar", LEVEL_SERVICES, false),
            new HostBundle("snakeyaml.jar", LEVEL_SERVICES, false),
            new HostBundle("org.apache.felix.gogo.runtime.jar", LEVEL_SERVICES, false),
            new HostBundle("org.apache.felix.gogo.command.jar", LEVEL_SERVICES, false),
            new HostBundle("accelmm-api.jar", LEVEL_CORE, false),
            new HostBundle("accelmm-core.jar", LEVEL_CORE, false),
            new HostBundle("accelmm-policy-classic.jar", LEVEL_CORE, false),
            new HostBundle("accelmm-policy-uvm.jar", LEVEL_CORE, false),
            new HostBundle("accelmm-shell.jar", LEVEL_CORE, false),
            new HostBundle("accelmm-workload.jar", LEVEL_CORE, false),
            new HostBundle("org.apache.felix.fileinstall.jar", LEVEL_DEPLOY, false),
            new HostBundle("jline.jar", LEVEL_SHELL, true),
            new HostBundle("org.apache.felix.gogo.jline.jar", LEVEL_SHELL, true));

    /** Commands ({@code scope:function}) that must be registered before the host counts as ready. */
    public static final List<String> READY_COMMANDS = List.of("kmod:lsmod", "mm:idr", "mm:ps");

    /**
     * The service property that tells the deploy folder's start-up contents have taken effect
     * (registered by the shell bundle once every configuration reached its components).
     */
    public static final String DEPLOY_SETTLED = "accelmm.deploy.settled";

    /** Prefix of driver bundle jars in the drivers folder: {@code accelmm-driver-NAME.jar}. */
    public static final String DRIVER_PREFIX = "accelmm-driver-";

    private HostLayout() {
    }
}
