/**
 * What every subsystem of one core instance shares for diagnosis: the fault-injection sites and
 * the counter of {@code WARN}s (rules broken that the kernel does not turn into errors).
 *
 * <h2>Locking</h2>
 * Thread-safe.
 *
 * <h2>State it owns</h2>
 * The fault sites and the warning count.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * CoreDiagnostics diag = CoreDiagnostics.create();   // one per test, independent of others
 * assertEquals(0, diag.warnings().count());
 * }</pre>
 */
package accelmm.core.diag;
