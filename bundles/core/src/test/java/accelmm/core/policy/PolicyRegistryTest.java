package accelmm.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;
import accelmm.core.diag.CoreDiagnostics;

/** Selection by name, parameters checked against their ranges, defaults while a policy is away. */
class PolicyRegistryTest {
    final CoreDiagnostics diag = CoreDiagnostics.create();
    final PolicyRegistry registry = new PolicyRegistry(() -> Set.of("xe0"), d -> Map.of("policy.victims", 3L, "xe.bind", 1L),
            diag.warnings());

    /** A prefetcher with one parameter, {@code depth} in [1, 8]. */
    static final PrefetchPolicy DEEP = new PrefetchPolicy() {
        @Override
        public String name() {
            return "deep";
        }

        @Override
        public String summary() {
            return "test";
        }

        @Override
        public List<PolicyParam> params() {
            return List.of(new PolicyParam("depth", 2, 1, 8, "pages"));
        }

        @Override
        public void prefetch(PrefetchRequest q, PolicyParams p) {
            q.select(q.faultPage(), q.faultPage() + (int) p.get(0));
        }
    };

    static String detail(Errno errno, org.junit.jupiter.api.function.Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(errno, e.errno());
        return e.detail();
    }

    @Test
    void aSelectionIsCheckedWholeAndChangesNothingWhenItFails() {
        registry.add(DEEP, 7, 0, "bundle.a");
        assertEquals("no prefetch policy 'magic'; known: chunk, deep",
                detail(Errno.EINVAL, () -> registry.select("xe0", PolicyKind.PREFETCH, "magic", Map.of())));
        assertEquals("policy.prefetch.depth (deep): 9 is out of range (1 to 8)",
                detail(Errno.EINVAL, () -> registry.select("xe0", PolicyKind.PREFETCH, "deep", Map.of("depth", "9"))));
        assertEquals("policy.prefetch.width (deep): unknown parameter; deep takes depth",
                detail(Errno.EINVAL, () -> registry.select("xe0", PolicyKind.PREFETCH, "deep", Map.of("width", "1"))));
        assertEquals("policy.prefetch.depth (deep): 'x' is not a whole number",
                detail(Errno.EINVAL, () -> registry.select("xe0", PolicyKind.PREFETCH, "deep", Map.of("depth", "x"))));
        assertEquals("no device 'xe9'", detail(Errno.ENODEV, () -> registry.select("xe9", PolicyKind.PREFETCH, "deep", Map.of())));
        assertEquals("chunk", registry.selected("xe0", PolicyKind.PREFETCH));
        registry.select("xe0", PolicyKind.PREFETCH, "deep", Map.of("depth", "5"));
        DevicePoliciesImpl dev = new DevicePoliciesImpl(registry, "xe0");
        assertEquals("deep", dev.current().name(PolicyKind.PREFETCH));
        assertEquals(5, ((PolicyRegistry.Resolved) dev.current()).prefetch().params().get(0));
        assertEquals(Map.of("policy.victims", 3L), registry.stats("xe0"));
        assertEquals(List.of("xe0"), registry.list().stream().filter(p -> p.name().equals("deep")).findFirst().orElseThrow().devices());
    }

    @Test
    void aConfiguredPolicyNotRegisteredYetIsUsedOnceItComesAndTheBestOfANameWins() {
        DevicePoliciesImpl dev = new DevicePoliciesImpl(registry, "xe0");
        registry.configure("xe0", PolicyKind.PREFETCH, "deep", Map.of("depth", "3"));
        assertEquals(1, diag.warnings().count(), "a warning that it is not registered");
        assertTrue(dev.current().isDefault(PolicyKind.PREFETCH));
        registry.add(DEEP, 7, 0, "bundle.a");
        assertFalse(dev.current().isDefault(PolicyKind.PREFETCH));
        assertEquals("bundle.a", registry.list().stream().filter(p -> p.name().equals("deep")).findFirst().orElseThrow().bundle());
        registry.add(DEEP, 8, 5, "bundle.b");
        assertEquals("bundle.b", registry.list().stream().filter(p -> p.name().equals("deep")).findFirst().orElseThrow().bundle());
        registry.remove(8);
        registry.remove(7);
        assertTrue(dev.current().isDefault(PolicyKind.PREFETCH), "chunk while deep is away");
        registry.configure("xe0", PolicyKind.PREFETCH, null, Map.of());
        assertEquals("chunk", registry.selected("xe0", PolicyKind.PREFETCH));
    }
}
