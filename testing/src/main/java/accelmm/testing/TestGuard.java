package accelmm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import accelmm.api.lockdep.Lockdep;

/**
 * The checks every test gets, registered for the whole test run through the JUnit Platform's
 * extension auto-detection:
 *
 * <ul>
 * <li>a lock-order report ({@link Lockdep}) made while a test ran fails that test, with the report;
 * <li>a thread that a test class started and that is still alive a few seconds after its last
 *     test fails the class, with the thread's stack: a hang or a leaked worker cannot pass.
 * </ul>
 *
 * <p>The checker is switched on here, so every test runs with it.
 *
 * <p>Concurrency: JUnit calls it from the thread that runs the tests.
 */
public final class TestGuard implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestGuard.class);
    private static final long SETTLE_MS = 5_000;

    @Override
    public void beforeAll(ExtensionContext context) {
        Lockdep.setEnabled(true);
        context.getStore(NS).put("threads", Set.copyOf(Thread.getAllStackTraces().keySet()));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("reports", Lockdep.reportCount());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Long before = context.getStore(NS).get("reports", Long.class);
        long now = Lockdep.reportCount();
        if (before != null && now > before) {
            List<String> all = Lockdep.reports();
            int fresh = (int) Math.min(all.size(), now - before);
            throw new AssertionError((now - before) + " lock-order report(s) while the test ran:\n"
                    + String.join("\n\n", all.subList(all.size() - fresh, all.size())));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Set<Thread> before = context.getStore(NS).get("threads", Set.class);
        if (before == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        List<Thread> left;
        do {
            left = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive() && !runtimeOwned(t)) {
                    left.add(t);
                }
            }
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.currentTimeMillis() < deadline);
        Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
        throw new AssertionError(left.size() + " thread(s) started by " + context.getDisplayName()
                + " still run " + SETTLE_MS + " ms after its last test:\n" + left.stream()
                        .map(t -> "  " + t.getName() + " (" + t.getState() + ")" + stackOf(stacks.get(t)))
                        .collect(Collectors.joining("\n")));
    }

    /** Threads the JVM or the test runner start on demand and keep. */
    private static boolean runtimeOwned(Thread t) {
        String n = t.getName();
        return n.startsWith("ForkJoinPool.commonPool") || n.startsWith("junit") || n.startsWith("surefire")
                || n.equals("process reaper") || n.equals("Common-Cleaner") || n.equals("Attach Listener")
                || n.startsWith("JFR ") || n.equals("Notification Thread") || n.equals("Signal Dispatcher")
                || n.equals("Reference Handler") || n.equals("Finalizer") || n.startsWith("InnocuousThread");
    }

    private static String stackOf(StackTraceElement[] stack) {
        if (stack == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(stack.length, 12); i++) {
            b.append("\n      at ").append(stack[i]);
        }
        return b.toString();
    }
}
