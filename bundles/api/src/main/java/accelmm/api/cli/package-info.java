/**
 * Shell command arguments.
 *
 * <p>Overview: every scope (the core's {@code mm}, {@code dev}, {@code kmod} and each driver's)
 * takes its numbers as text and parses them with {@link accelmm.api.cli.Args}, so that a number
 * out of range is an {@code EINVAL} sentence instead of a truncated value or a Java error (and so
 * that Gogo never ranks the scope's fallback above a method that needs coercion). Each scope's
 * {@code _main(Object...)} calls {@link accelmm.api.cli.Usage#fallback}: {@code CMD --help} is the
 * usage, other arguments no method takes are {@code EINVAL} with it. Driver scopes send their
 * ioctls through {@link accelmm.api.cli.Ioctls}.
 *
 * <p>Locking: none; the helpers are pure functions.
 *
 * <p>Example:
 * <pre>{@code
 * public String maps(@Descriptor("process id") String pid) {
 *     return table(memory.process(Args.pid(pid)).mm().maps());
 * }
 *
 * public Object _main(Object... args) {
 *     return Usage.fallback(this, "mm", args);
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.cli;
