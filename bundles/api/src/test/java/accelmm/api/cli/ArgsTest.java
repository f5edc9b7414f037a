package accelmm.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/** Arguments are parsed in their exact range, never truncated. */
class ArgsTest {
    static String einval(Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(Errno.EINVAL, e.errno());
        return e.getMessage();
    }

    @Test
    void numbersOutOfRangeAreRefusedNotTruncated() {
        assertEquals(1, Args.pid("1"));
        assertEquals("EINVAL: pid 4294967297 is out of range (1 to 2147483647)", einval(() -> Args.pid("4294967297")));
        assertEquals("EINVAL: pid 0 is out of range (1 to 2147483647)", einval(() -> Args.pid("0")));
        assertEquals("EINVAL: pid 'abc' is not a whole number", einval(() -> Args.pid("abc")));
        assertEquals("EINVAL: pid '99999999999999999999' is not a whole number in range (1 to 2147483647)",
                einval(() -> Args.pid("99999999999999999999")));
        assertEquals(255, Args.integer("value", "0xff", 0, 255));
        assertEquals(0, Args.fd("0"));
    }

    @Test
    void sizesTakeSuffixes() {
        assertEquals(8192, Args.size("length", "8k", 1));
        assertEquals(2L << 20, Args.size("length", "2M", 1));
        assertEquals(1L << 40, Args.size("length", "1t", 1));
        assertEquals(4294967312L, Args.size("length", "4294967312", 1));
        assertEquals("EINVAL: length 0 is out of range (1 to 9223372036854775807 bytes)", einval(() -> Args.size("length", "0", 1)));
        assertEquals("EINVAL: length 9999999t is out of range (1 to 9223372036854775807 bytes)",
                einval(() -> Args.size("length", "9999999t", 1)));
        assertEquals("EINVAL: length 'lots' is not a size (a number, optionally with k, m, g or t)",
                einval(() -> Args.size("length", "lots", 1)));
    }

    @Test
    void addressesAreUnsigned64Bit() {
        assertEquals(0x7f0000000000L, Args.address("0x7f0000000000"));
        assertEquals(-1L, Args.address("0xffffffffffffffff"));
        assertEquals("EINVAL: '0x1ffffffffffffffff' is not an address (0x... or a decimal number below 2^64)",
                einval(() -> Args.address("0x1ffffffffffffffff")));
    }
}
