package accelmm.api.mm;

/**
 * Page protections ({@code PROT_*}, Linux values).
 *
 * <p>Concurrency: constants only.
 */
public final class Prot {
    /** No access. */
    public static final int NONE = 0;
    /** Readable. */
    public static final int READ = 1;
    /** Writable. */
    public static final int WRITE = 2;
    /** Executable. */
    public static final int EXEC = 4;
    /** Every valid bit. */
    public static final int ALL = READ | WRITE | EXEC;

    private Prot() {
    }

    /** Renders a protection the way {@code /proc/PID/maps} does: {@code rwx}. */
    public static String toString(int prot) {
        return ((prot & READ) != 0 ? "r" : "-") + ((prot & WRITE) != 0 ? "w" : "-") + ((prot & EXEC) != 0 ? "x" : "-");
    }
}
