package accelmm.shell.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.Prot;

class MemoryCommandsTest {
    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(4096, MemoryCommands.size("4096"));
        assertEquals(8192, MemoryCommands.size("8k"));
        assertEquals(2L << 20, MemoryCommands.size("2M"));
        assertEquals(1L << 30, MemoryCommands.size("1g"));
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> MemoryCommands.size("lots")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> MemoryCommands.size("99999999999g")).errno());
    }

    @Test
    void protectionsAreLetters() {
        assertEquals(Prot.READ | Prot.WRITE, MemoryCommands.prot("rw"));
        assertEquals(Prot.NONE, MemoryCommands.prot("-"));
        assertEquals(Prot.ALL, MemoryCommands.prot("rwx"));
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> MemoryCommands.prot("rq")).errno());
    }

    @Test
    void addressesAreHexOrDecimal() {
        assertEquals(0x7f0000000000L, MemoryCommands.address("0x7f0000000000"));
        assertEquals(4096, MemoryCommands.address("4096"));
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> MemoryCommands.address("0xzz")).errno());
    }

    @Test
    void hexdumpShowsAddressBytesAndText() {
        assertEquals("000000001000  68 69 00                                         |hi.|",
                MemoryCommands.hexdump(0x1000, new byte[] {'h', 'i', 0}));
    }
}
