/**
 * Fault injection (the kernel's failslab and fail_page_alloc): named sites that allocation code
 * asks before it allocates, armed by probability, interval and count.
 *
 * <h2>Locking</h2>
 * Thread-safe; a disarmed site costs one volatile read.
 *
 * <h2>State it owns</h2>
 * The sites of one core instance and their counters.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * diag.faults().site("page.alloc").arm(10, 1, -1, 42);    // 10 % of page allocations fail
 * }</pre>
 */
package accelmm.core.fault;
