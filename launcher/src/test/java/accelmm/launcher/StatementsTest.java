package accelmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatementsTest {
    @Test
    void splitsAtSemicolonsAndLineEnds() {
        assertEquals(List.of("kmod:lsmod", "mm:idr", "mm:idr gna0/memory"),
                Statements.split("kmod:lsmod; mm:idr\n  mm:idr gna0/memory ;; \n"));
    }

    @Test
    void keepsSeparatorsInsideQuotesAndBrackets() {
        assertEquals(List.of("echo 'a;b'", "echo \"c;\\\"d\"", "each [1 2] { echo $it; echo x }"),
                Statements.split("echo 'a;b'; echo \"c;\\\"d\"; each [1 2] { echo $it; echo x }"));
    }

    @Test
    void dropsCommentLinesAndJoinsContinuations() {
        assertEquals(List.of("kmod:lsmod", "mm:idr   gna0/memory"),
                Statements.split("# list modules\nkmod:lsmod\nmm:idr \\\n gna0/memory\n"));
    }

    @Test
    void unbalancedInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Statements.split("echo 'open"));
        assertThrows(IllegalArgumentException.class, () -> Statements.split("each [1 { x }"));
        assertThrows(IllegalArgumentException.class, () -> Statements.split("x }"));
    }
}
