/**
 * Memory-ordering helpers: variable handles for fields read with acquire and written with release
 * where a volatile field would fence every access.
 *
 * <h2>Locking</h2>
 * Stateless.
 *
 * <h2>State it owns</h2>
 * Nothing.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * private static final VarHandle SIZE = Handles.field(MethodHandles.lookup(), IdTree.class, "size", long.class);
 * }</pre>
 */
package accelmm.core.concurrent;
