package accelmm.core.idr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/** Asserts exact errnos. */
final class Errors {
    private Errors() {
    }

    static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }
}
