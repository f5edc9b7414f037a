package accelmm.api.gmem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The names the shell prints for states and capabilities. */
class DescribeTest {
    @Test
    void bitsAreNamedInOrderAndNoneIsADash() {
        assertEquals("DEVICE|WILLNEED", GmPage.describe(GmPage.DEVICE | GmPage.WILLNEED));
        assertEquals("NOMAP", GmPage.describe(GmPage.NOMAP));
        assertEquals("-", GmPage.describe(0));
        assertEquals("REPLAYABLE|PEER|COHERENT", GmCap.describe(GmCap.ALL));
        assertEquals("PEER", GmCap.describe(GmCap.PEER));
        assertEquals("-", GmCap.describe(0));
    }
}
