package accelmm.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.device.StateKey;
import accelmm.testing.Errnos;

class StateWalkTest {
    /** What a driver might leave behind: loaded again by a loader of its own, as a bundle's class is. */
    public static final class Leftover {
    }

    record Holder(Object inside) {
    }

    private static Object leftoverOf(ClassLoader loader) throws Exception {
        return loader.loadClass(Leftover.class.getName()).getDeclaredConstructor().newInstance();
    }

    private static URLClassLoader driverLoader() {
        URL classes = StateWalkTest.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {classes}, null);
    }

    @Test
    void findsADriverClassDeepInsideCollectionsRecordsAndArrays() throws Exception {
        try (URLClassLoader driver = driverLoader()) {
            Object left = leftoverOf(driver);
            Map<Long, Object> nested = new TreeMap<>(Map.of(1L, List.of("plain", new Holder(new Object[] {7L, left}))));
            List<Object> roots = new ArrayList<>(List.of(42L, "text", nested));
            assertEquals(Set.of(Leftover.class.getName()), StateWalk.classesOf(driver, roots));
            assertEquals(Set.of(), StateWalk.classesOf(driver, List.of(nested.keySet(), new Holder(new Leftover()))),
                    "the same class of another loader is not the driver's");
        }
    }

    @Test
    void aCycleEndsTheWalk() throws Exception {
        try (URLClassLoader driver = driverLoader()) {
            List<Object> a = new ArrayList<>();
            List<Object> b = new ArrayList<>(List.of(a));
            a.add(b);
            a.add(new Holder(leftoverOf(driver)));
            assertEquals(1, StateWalk.classesOf(driver, List.of(a)).size());
        }
    }

    @Test
    void typedStateChecksEachKeysType() {
        TypedState st = new TypedState();
        StateKey<Long> count = StateKey.of("count", Long.class);
        assertEquals(5L, st.computeIfAbsent(count, () -> 5L));
        assertEquals(5L, st.put(count, 6L));
        StateKey<String> sameName = StateKey.of("count", String.class);
        Errnos.assertErrno(Errno.EEXIST, () -> st.get(sameName), "a key of another type finds nothing it can use");
        Errnos.assertErrno(Errno.EEXIST, () -> st.put(sameName, "x"));
        assertEquals(6L, st.get(count), "a refused put changes nothing");
        assertEquals(6L, st.remove(count));
        assertEquals(null, st.get(count));
        Errnos.assertErrno(Errno.EINVAL, () -> st.computeIfAbsent(count, () -> null));
    }
}
