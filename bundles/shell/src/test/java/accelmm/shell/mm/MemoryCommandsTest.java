package accelmm.shell.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.Prot;

class MemoryCommandsTest {
    @Test
    void protectionsAreLetters() {
        assertEquals(Prot.READ | Prot.WRITE, AddressSpaceCommands.prot("rw"));
        assertEquals(Prot.NONE, AddressSpaceCommands.prot("-"));
        assertEquals(Prot.ALL, AddressSpaceCommands.prot("rwx"));
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> AddressSpaceCommands.prot("rq")).errno());
    }

    @Test
    void hexdumpShowsAddressBytesAndText() {
        assertEquals("000000001000  68 69 00                                         |hi.|",
                AddressSpaceCommands.hexdump(0x1000, new byte[] {'h', 'i', 0}));
    }
}
