package accelmm.itests.support;

import java.util.function.BooleanSupplier;

/** Polls a condition, for things that happen asynchronously (FileInstall, DS). */
public final class Await {
    private Await() {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} on time-out
     */
    public static void until(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
