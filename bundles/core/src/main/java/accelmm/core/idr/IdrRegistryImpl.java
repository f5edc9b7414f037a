package accelmm.core.idr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.idr.Ida;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.RegistryEntry;
import accelmm.api.idr.RegistryInfo;
import accelmm.api.idr.RegistryKind;
import accelmm.api.idr.XArrayAlloc;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.fault.FailSite;

/**
 * The {@link IdrRegistry} service: named IDRs, IDAs and allocating XArrays that live as long as the
 * core, whoever asked for them.
 *
 * <p>Every registry's node allocations go through the fault site {@value #FAIL_SITE}.
 *
 * <p>Concurrency: the name table is guarded by this object; the registries lock themselves.
 */
@Component(service = IdrRegistry.class)
public final class IdrRegistryImpl implements IdrRegistry {
    /** The fault-injection site of registry node allocation. */
    public static final String FAIL_SITE = "idr.node";

    private final CoreDiagnostics diag;
    private final FailSite failSite;
    private final Map<String, Named> byPath = new TreeMap<>();

    private record Named(String owner, String name, RegistryKind kind, int base, TreeBacked registry) {
        long treeBase() {
            return kind == RegistryKind.IDR ? base : 0;
        }
    }

    /** Creates the service over the core bundle's shared diagnostics. */
    public IdrRegistryImpl() {
        this(CoreDiagnostics.shared());
    }

    /** Creates a registry service over the given diagnostics (tests). */
    public IdrRegistryImpl(CoreDiagnostics diag) {
        this.diag = diag;
        this.failSite = diag.faults().site(FAIL_SITE);
    }

    private static String path(String owner, String name) {
        checkName("owner", owner);
        checkName("name", name);
        return owner + "/" + name;
    }

    private static void checkName(String what, String s) {
        if (s == null || s.isEmpty()) {
            throw Errno.EINVAL.exception("registry " + what + " is empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw Errno.EINVAL.exception("registry " + what + " '" + s + "' contains '/', white space or a control character");
            }
        }
    }

    private synchronized Object getOrCreate(String owner, String name, RegistryKind kind, int base) {
        String path = path(owner, name);
        if (base < 0) {
            throw Errno.EINVAL.exception("registry base " + base + " < 0");
        }
        Named n = byPath.get(path);
        if (n != null) {
            if (n.kind != kind || n.base != base) {
                throw Errno.EEXIST.exception(path + " exists as " + n.kind + " with base " + n.base);
            }
            return n.registry;
        }
        TreeBacked registry = switch (kind) {
            case IDR -> new IdrImpl<>(base, failSite, diag.warnings());
            case IDA -> new IdaImpl(failSite, diag.warnings());
            case XARRAY -> new XArrayAllocImpl<>(base, failSite);
        };
        byPath.put(path, new Named(owner, name, kind, base, registry));
        return registry;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Idr<T> idr(String owner, String name, int base) {
        return (Idr<T>) getOrCreate(owner, name, RegistryKind.IDR, base);
    }

    @Override
    public Ida ida(String owner, String name) {
        return (Ida) getOrCreate(owner, name, RegistryKind.IDA, 0);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> XArrayAlloc<T> xarray(String owner, String name, int base) {
        if (base != 0 && base != 1) {
            throw Errno.EINVAL.exception("XArray base must be 0 or 1, not " + base);
        }
        return (XArrayAlloc<T>) getOrCreate(owner, name, RegistryKind.XARRAY, base);
    }

    @Override
    public synchronized List<RegistryInfo> list() {
        List<RegistryInfo> all = new ArrayList<>(byPath.size());
        for (Named n : byPath.values()) {
            all.add(new RegistryInfo(n.owner, n.name, n.kind, n.base, n.registry.count()));
        }
        all.sort(Comparator.comparing(RegistryInfo::owner).thenComparing(RegistryInfo::name));
        return all;
    }

    @Override
    public List<RegistryEntry> entries(String owner, String name, int limit) {
        if (limit < 0) {
            throw Errno.EINVAL.exception("limit " + limit + " < 0");
        }
        Named n;
        synchronized (this) {
            n = byPath.get(path(owner, name));
        }
        if (n == null) {
            throw Errno.ENOENT.exception("no registry " + owner + "/" + name);
        }
        List<RegistryEntry> out = new ArrayList<>();
        if (limit == 0) {
            return out;
        }
        boolean ida = n.kind == RegistryKind.IDA;
        n.registry.tree().walk(n.treeBase(), true, (id, value) -> {
            boolean reserved = value == IdTree.RESERVED;
            out.add(new RegistryEntry(id, reserved && !ida, reserved ? "" : String.valueOf(value)));
            return out.size() >= limit ? 1 : 0;
        });
        return out;
    }

    @Override
    public synchronized boolean remove(String owner, String name) {
        Named n = byPath.remove(path(owner, name));
        if (n == null) {
            return false;
        }
        n.registry.destroy();
        return true;
    }

    @Override
    public long warnings() {
        return diag.warnings().count();
    }
}
