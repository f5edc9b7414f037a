package accelmm.workload;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Args;
import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.device.Devices;
import accelmm.api.dma.Vgem;
import accelmm.api.mm.MemoryManager;

/**
 * The torture commands (scope {@code torture}): random concurrent calls on every driver while the
 * drivers are replaced, with every byte checked ({@link Torture}), and the call latency seen
 * while a driver bundle is updated ({@link SwapLatency}).
 *
 * <p>Concurrency: one run at a time per caller; it blocks until the run ends.
 */
@Component(service = TortureCommands.class, property = {"osgi.command.scope=torture", "osgi.command.function=run",
    "osgi.command.function=swaplatency"})
public final class TortureCommands {
    private final Devices devices;
    private final MemoryManager memory;
    private final BundleContext context;
    private final Vgem vgem;
    private final accelmm.api.policy.Policies policies;

    /** Creates the command. */
    @Activate
    public TortureCommands(@Reference Devices devices, @Reference MemoryManager memory, @Reference Vgem vgem,
            @Reference accelmm.api.policy.Policies policies, BundleContext context) {
        this.policies = policies;
        this.devices = devices;
        this.memory = memory;
        this.vgem = vgem;
        this.context = context;
    }

    /**
     * Runs the torture, prints what went wrong and the verdict line, and fails unless it passed.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an option out of range; {@code EIO} when
     *     the run failed; {@code ENODEV} when no device has a driver
     */
    @Descriptor("random concurrent calls on every driver while drivers are replaced and allocations fail; every byte checked")
    public String run(@Descriptor("how long to run, 1 to 86400 s (default 30)") @Parameter(names = "--seconds", absentValue = "30") String secondsText,
            @Descriptor("random seed (default 1)") @Parameter(names = "--seed", absentValue = "1") String seedText,
            @Descriptor("threads making calls, 1 to 256 (default 8)") @Parameter(names = "--threads", absentValue = "8") String threadsText,
            @Descriptor("mean milliseconds between driver updates, 0 for none (default 200)") @Parameter(names = "--swap-every", absentValue = "200") String swapText,
            @Descriptor("percent of page allocations that fail, 0 to 100 (default 0)") @Parameter(names = "--fail", absentValue = "0") String failText)
            throws InterruptedException {
        long seconds = Args.number("--seconds", secondsText, 1, 86_400);
        long seed = Args.number("--seed", seedText, Long.MIN_VALUE, Long.MAX_VALUE);
        int threads = Args.integer("--threads", threadsText, 1, 256);
        long swapEveryMs = Args.number("--swap-every", swapText, 0, Long.MAX_VALUE);
        int failPercent = Args.integer("--fail", failText, 0, 100);
        Torture t = new Torture(devices, memory, vgem, policies, context, new Torture.Options(seconds, seed, threads, swapEveryMs, failPercent),
                System.out, System.console() != null);
        String verdict = t.run();
        StringBuilder kinds = new StringBuilder("ops by kind:");
        t.kinds().forEach((k, n) -> kinds.append(' ').append(k).append(' ').append(n));
        System.out.println(kinds);
        System.out.println(verdict);
        System.out.flush();
        if (!verdict.endsWith("PASS")) {
            throw Errno.EIO.exception("the torture run failed");
        }
        return null;
    }

    /**
     * Measures the call latency four threads see while a driver bundle is updated and refreshed.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad count; {@code ENOENT} for an
     *     unknown driver; {@code EIO} when an update or a call fails
     */
    @Descriptor("call latency seen by calling threads while a driver bundle is updated and refreshed again and again")
    public String swaplatency(@Descriptor("how many updates, 1 to 10000 (default 20)") @Parameter(names = "--updates", absentValue = "20") String updatesText,
            @Descriptor("calling threads, 1 to 64 (default 4)") @Parameter(names = "--threads", absentValue = "4") String threadsText,
            @Descriptor("driver: gna, habana, panfrost, xe or gmem") String driver) throws InterruptedException {
        int updates = Args.integer("--updates", updatesText, 1, 10_000);
        int threads = Args.integer("--threads", threadsText, 1, 64);
        return new SwapLatency(devices, memory, context).measure(driver, updates, threads).line();
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "torture", args);
    }
}
