package accelmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverCatalogTest {
    @TempDir
    Path dir;

    @Test
    void namesComeFromDriverJarsOnly() throws Exception {
        Files.createFile(dir.resolve("accelmm-driver-xe.jar"));
        Files.createFile(dir.resolve("accelmm-driver-gna.jar"));
        Files.createFile(dir.resolve("notes.txt"));
        DriverCatalog c = new DriverCatalog(dir);
        assertEquals(List.of("gna", "xe"), c.names());
        assertEquals(List.of(c.jarOf("gna"), c.jarOf("xe")), c.select(List.of("all")));
        assertEquals(List.of(), c.select(List.of("none")));
        assertEquals(List.of(c.jarOf("xe")), c.select(List.of("xe", "xe")));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() throws Exception {
        Files.createFile(dir.resolve("accelmm-driver-gna.jar"));
        String msg = assertThrows(Options.UsageException.class,
                () -> new DriverCatalog(dir).select(List.of("gnu"))).getMessage();
        assertEquals("unknown driver 'gnu'; known drivers: gna (or 'all', 'none')", msg);
    }

    @Test
    void aMissingFolderHasNoDrivers() throws Exception {
        DriverCatalog c = new DriverCatalog(dir.resolve("absent"));
        assertTrue(c.names().isEmpty());
        assertTrue(assertThrows(Options.UsageException.class, () -> c.select(List.of("gna")))
                .getMessage().contains("none are built yet"));
    }
}
