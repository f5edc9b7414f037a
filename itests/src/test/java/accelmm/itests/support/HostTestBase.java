package accelmm.itests.support;

import javax.inject.Inject;

import org.junit.Rule;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;

import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;

/**
 * What every Pax Exam test of the host shares (SCR's {@code ComponentTestBase} is the model): the
 * framework's bundle context and the core's services injected, and the lock-order rule. A test
 * class names its reactor strategy and its {@code @Configuration} ({@link HostOptions#host}).
 *
 * <p>Concurrency: one test at a time, as JUnit runs them.
 */
@RunWith(PaxExam.class)
public abstract class HostTestBase {
    /** A lock-order report made while a test runs fails it. */
    @Rule
    public final LockdepRule lockdep = new LockdepRule();

    /** The framework's bundle context. */
    @Inject
    protected BundleContext context;

    /** The core's devices. */
    @Inject
    protected Devices devices;

    /** The core's memory manager. */
    @Inject
    protected MemoryManager memory;
}
