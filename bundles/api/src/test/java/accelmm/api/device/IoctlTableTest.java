package accelmm.api.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

class IoctlTableTest {
    sealed interface Family<R> extends Request<R> permits Add, Name {
    }

    record Add(int a, int b) implements Family<Integer> {
    }

    record Name() implements Family<String> {
    }

    record Other() implements Request<Void> {
    }

    @Test
    void eachRequestReachesItsHandlerWithItsReplyType() {
        IoctlTable t = IoctlTable.builder("test", Family.class)
                .on(Add.class, (file, r) -> r.a() + r.b())
                .on(Name.class, (file, r) -> "test")
                .build();
        int sum = t.dispatch(null, new Add(2, 3));
        assertEquals(5, sum);
        assertEquals("test", t.dispatch(null, new Name()));
        ErrnoException e = assertThrows(ErrnoException.class, () -> t.dispatch(null, new Other()));
        assertEquals(Errno.ENOTTY, e.errno());
        assertEquals("ENOTTY: Other is not an ioctl of the test driver", e.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> t.dispatch(null, (Add) null)).errno());
    }

    @Test
    void aTableMissingARequestOfItsFamilyIsRefusedWhenBuilt() {
        IoctlTable.Builder b = IoctlTable.builder("test", Family.class).on(Add.class, (file, r) -> 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertEquals("the test driver has no handler for " + Name.class.getName(), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.on(Add.class, (file, r) -> 1), "two handlers");
    }
}
