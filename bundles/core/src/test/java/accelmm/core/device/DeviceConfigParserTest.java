package accelmm.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceSpec;

/** Device configurations: every key checked, errors that name the file, the key and the reason. */
class DeviceConfigParserTest {
    static final List<String> KINDS = List.of("gmem", "gna", "xe");
    static final String FILE = "file:/tmp/deploy/accelmm.device-npu1.cfg";

    static Map<String, Object> cfg(String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("felix.fileinstall.filename", FILE);
        m.put("service.pid", "accelmm.device~npu1");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String refused(Map<String, Object> props) {
        ErrnoException e = assertThrows(ErrnoException.class, () -> DeviceConfigParser.parse(props, KINDS));
        assertEquals(Errno.EINVAL, e.errno());
        return e.getMessage();
    }

    @Test
    void aGoodFileGivesItsDevice() {
        DeviceSpec s = DeviceConfigParser.parse(cfg("name", "npu1", "kind", "gmem", "memoryMiB", "64",
                "pageSizes", "4k, 2m", "devicePageSize", "2m", "properties", "mmu=false, x = 1"), KINDS);
        assertEquals("npu1", s.name());
        assertEquals(64L << 20, s.memoryBytes());
        assertEquals((1L << 12) | (1L << 21), s.pageSizes());
        assertEquals(1L << 21, s.devicePageSize());
        assertEquals(Map.of("mmu", "false", "x", "1"), s.properties());
        assertNull(s.pciPosition());
        assertEquals(8, s.asidSlots());
    }

    @Test
    void typedValuesFromConfigAdminAreAccepted() {
        Map<String, Object> m = cfg("name", "npu1", "kind", "gmem");
        m.put("memoryMiB", 32L);
        m.put("properties", new String[] {"mmu=true"});
        DeviceSpec s = DeviceConfigParser.parse(m, KINDS);
        assertEquals(32L << 20, s.memoryBytes());
        assertEquals(Map.of("mmu", "true"), s.properties());
    }

    @Test
    void everyBadValueIsRefusedWithTheFileTheKeyAndTheReason() {
        String file = "/tmp/deploy/accelmm.device-npu1.cfg";
        assertEquals("EINVAL: " + file + ": kind: no driver kind 'nosuch'; one of gmem, gna, xe (the device is created if a "
                + "driver of kind 'nosuch' registers)", refused(cfg("name", "npu1", "kind", "nosuch")));
        assertEquals("EINVAL: " + file + ": memoryMiB: -16 is out of range (0 to 196608)",
                refused(cfg("name", "npu1", "kind", "gmem", "memoryMiB", "-16")));
        assertEquals("EINVAL: " + file + ": memoryMiB: 'abc' is not a whole number",
                refused(cfg("name", "npu1", "kind", "gmem", "memoryMiB", "abc")));
        assertEquals("EINVAL: " + file + ": name: missing; every device needs a name, e.g. name = npu1",
                refused(cfg("kind", "gmem")));
        assertEquals("EINVAL: " + file + ": kind: missing; one of gmem, gna, xe", refused(cfg("name", "npu1")));
        assertEquals("EINVAL: " + file + ": devicePageSize: size 3k is not a power of two",
                refused(cfg("name", "npu1", "kind", "gmem", "devicePageSize", "3k")));
        assertEquals("EINVAL: " + file + ": pageSizes: 'big' is not 4k, 2m, 1g or a number of bytes",
                refused(cfg("name", "npu1", "kind", "gmem", "pageSizes", "4k,big")));
        assertEquals("EINVAL: " + file + ": properties: 'mmu' is not key=value",
                refused(cfg("name", "npu1", "kind", "gmem", "properties", "mmu")));
        assertEquals("EINVAL: " + file + ": memoryMib: unknown key; a device takes asidSlots, devicePageSize, kind, "
                + "maxSegSize, memoryMiB, name, pageSizes, pciPosition, properties",
                refused(cfg("name", "npu1", "kind", "gmem", "memoryMib", "64")));
        assertEquals("EINVAL: " + file + ": name: 'a b' is not a device name (a letter, then up to 31 letters, digits, "
                + "'_', '.', '-')", refused(cfg("name", "a b", "kind", "gmem")));
    }

    @Test
    void withoutAFileTheConfigurationIsNamedByItsPid() {
        Map<String, Object> m = cfg("name", "npu1", "kind", "nosuch");
        m.remove("felix.fileinstall.filename");
        assertTrue(refused(m).startsWith("EINVAL: configuration accelmm.device~npu1: kind: no driver kind 'nosuch'; one of gmem, gna, xe"));
    }

    static String tuningRefused(Map<String, Object> props) {
        ErrnoException e = assertThrows(ErrnoException.class, () -> DeviceTuning.parse(props));
        assertEquals(Errno.EINVAL, e.errno());
        return e.detail();
    }

    @Test
    void policiesAndTheCostModelComeFromDottedKeys() {
        DeviceTuning t = DeviceTuning.parse(cfg("name", "xe0", "kind", "xe", "policy.prefetch", "uvm-tree",
                "policy.prefetch.threshold", "60", "cost.link", "pcie5-x16", "cost.faultUs", "45"));
        assertEquals(Map.of(accelmm.api.policy.PolicyKind.PREFETCH, "uvm-tree"), t.policies());
        assertEquals(Map.of("threshold", "60"), t.params().get(accelmm.api.policy.PolicyKind.PREFETCH));
        assertEquals("custom", t.cost().link());
        assertEquals(63_000_000_000L, t.cost().linkBytesPerSecond());
        assertEquals(45_000, t.cost().faultNanos());
        assertEquals(accelmm.api.cost.CostModel.PCIE4_X16, DeviceTuning.parse(cfg("name", "xe0")).cost());
        String where = "/tmp/deploy/accelmm.device-npu1.cfg: ";
        assertEquals(where + "policy.speed: no policy kind 'speed'; one of eviction, prefetch, thrashing",
                tuningRefused(cfg("policy.speed", "fast")));
        assertEquals(where + "policy.prefetch: 'Tree!' is not a policy name (lower case, digits and '-')",
                tuningRefused(cfg("policy.prefetch", "Tree!")));
        assertEquals(where + "policy.eviction: parameters given but no eviction policy named",
                tuningRefused(cfg("policy.eviction.seed", "3")));
        assertEquals(where + "cost.link: no link preset 'usb'; one of pcie4-x16, pcie5-x16, nvlink-c2c",
                tuningRefused(cfg("cost.link", "usb")));
        assertEquals(where + "cost.linkGBps: 'fast' is not a number of GB/s", tuningRefused(cfg("cost.linkGBps", "fast")));
        assertEquals(where + "cost.dmaEngines: -1 is out of range (0 to 1000000000)", tuningRefused(cfg("cost.dmaEngines", "-1")));
        assertEquals(where + "cost: cost figures must be positive (bandwidths, engines) or zero (latencies)",
                tuningRefused(cfg("cost.dmaEngines", "0")));
        assertTrue(tuningRefused(cfg("cost.speed", "1")).startsWith(where + "cost.speed: unknown key; the cost model takes cost.dmaEngines"));
    }
}
