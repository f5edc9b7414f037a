package accelmm.itests.support;

import java.util.List;

import org.junit.rules.TestRule;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

import accelmm.api.lockdep.Lockdep;

/**
 * The Pax Exam tests' share of what every unit test gets from {@code accelmm.testing.TestGuard}:
 * the lock-order checker of the framework under test is on, and a report made while a test ran
 * fails it, with the report.
 */
public final class LockdepRule implements TestRule {
    @Override
    public Statement apply(Statement base, Description description) {
        return new Statement() {
            @Override
            public void evaluate() throws Throwable {
                Lockdep.setEnabled(true);
                long before = Lockdep.reportCount();
                base.evaluate();
                long now = Lockdep.reportCount();
                if (now > before) {
                    List<String> all = Lockdep.reports();
                    int fresh = (int) Math.min(all.size(), now - before);
                    throw new AssertionError((now - before) + " lock-order report(s) while " + description.getMethodName() + " ran:\n"
                            + String.join("\n\n", all.subList(all.size() - fresh, all.size())));
                }
            }
        };
    }
}
