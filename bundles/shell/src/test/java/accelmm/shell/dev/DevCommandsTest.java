package accelmm.shell.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DevCommandsTest {
    @Test
    void pageSizeBitmapsReadAsSizes() {
        assertEquals("4K|2M|1G", DevCommands.sizes((1L << 12) | (1L << 21) | (1L << 30)));
        assertEquals("2M", DevCommands.sizes(1L << 21));
        assertEquals("512", DevCommands.sizes(512));
        assertEquals("-", DevCommands.sizes(0));
    }
}
