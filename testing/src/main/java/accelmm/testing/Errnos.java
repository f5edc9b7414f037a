package accelmm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/** The errno assertion every test shares: the call fails with exactly this errno, and says why if not. */
public final class Errnos {
    private Errnos() {
    }

    /** Asserts that {@code call} throws an {@link ErrnoException} with {@code expected}. */
    public static void assertErrno(Errno expected, Executable call) {
        assertErrno(expected, call, "");
    }

    /** As {@link #assertErrno(Errno, Executable)}, naming what the call shows in a failure. */
    public static void assertErrno(Errno expected, Executable call, String why) {
        ErrnoException e = assertThrows(ErrnoException.class, call, why);
        assertEquals(expected, e.errno(), why.isEmpty() ? e.getMessage() : why + ": " + e.getMessage());
    }
}
