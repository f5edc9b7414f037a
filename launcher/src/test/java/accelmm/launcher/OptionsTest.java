package accelmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class OptionsTest {
    private static final Path DEPLOY = Path.of("/tmp/deploy");

    private static Options parse(String... args) {
        return Options.parse(args, DEPLOY);
    }

    private static String usageError(String... args) {
        return assertThrows(Options.UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsAreAllDriversTheHomeDeployFolderAndWarn() {
        Options o = parse("shell");
        assertEquals(new Options("shell", List.of("all"), DEPLOY, "warn", null, false), o);
    }

    @Test
    void execTakesExactlyOneScript() {
        assertEquals("kmod:lsmod; mm:idr", parse("exec", "--drivers", "none", "kmod:lsmod; mm:idr").commands());
        assertTrue(usageError("exec").contains("exec takes one argument"));
        assertTrue(usageError("exec", "a", "b").contains("exec takes one argument"));
    }

    @Test
    void driversAreSplitOnCommas() {
        assertEquals(List.of("gna", "xe"), parse("shell", "--drivers", "gna, xe").drivers());
        assertEquals(List.of("none"), parse("shell", "--drivers=none").drivers());
        assertTrue(usageError("shell", "--drivers", ",").contains("--drivers needs"));
        assertTrue(usageError("shell", "--drivers").contains("--drivers needs a value"));
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhy() {
        assertEquals("no command given", usageError());
        assertEquals("unknown command 'boot'", usageError("boot"));
        assertEquals("unknown option '--fast'", usageError("shell", "--fast"));
        assertEquals("unexpected argument 'x'", usageError("shell", "x"));
        assertTrue(usageError("shell", "--log", "loud").startsWith("--log takes one of"));
    }

    @Test
    void helpWinsAnywhere() {
        assertEquals("help", parse("--help").mode());
        assertEquals("help", parse("help").mode());
        assertEquals("help", parse("exec", "--help").mode());
    }

    @Test
    void deployIsMadeAbsolute() {
        assertTrue(parse("shell", "--deploy", "rel").deploy().isAbsolute());
    }

    @Test
    void tortureTakesItsOptionsChecksTheirRangesAndAlwaysChecksLocks() {
        Options o = parse("torture", "--seconds", "600", "--seed", "9", "--threads", "12", "--swap-every", "200", "--fail", "2");
        assertEquals("torture:run --seed 9 --seconds 600 --threads 12 --swap-every 200 --fail 2", o.commands());
        assertTrue(o.lockdep());
        assertEquals("torture:run", parse("torture").commands());
        assertEquals("--fail takes 0 to 100, not 101", usageError("torture", "--fail", "101"));
        assertEquals("--seconds takes 1 to 86400, not 0", usageError("torture", "--seconds", "0"));
        assertEquals("--threads takes a number, not 'many'", usageError("torture", "--threads", "many"));
        assertEquals("--seconds belongs to 'accelmm torture'", usageError("run", "--seconds", "5"));
        assertEquals("unexpected argument 'x'", usageError("torture", "x"));
        assertTrue(parse("run", "--lockdep").lockdep());
        assertTrue(!parse("run").lockdep());
    }

    @Test
    void runTakesAContentMode() {
        assertEquals("workload:run --seed 3 --content stamps xe", parse("run", "--seed", "3", "--content", "stamps", "--workload", "xe").commands());
        assertEquals("--content takes bytes or stamps, not 'words'", usageError("run", "--content", "words"));
        assertEquals("--content belongs to 'accelmm run'", usageError("exec", "--content", "stamps", "x"));
    }
}
