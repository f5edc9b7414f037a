package accelmm.core.policy;

import java.util.List;
import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import accelmm.api.cost.SimClocks;
import accelmm.api.cost.SimTime;
import accelmm.api.device.Devices;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.Policies;
import accelmm.api.policy.Policy;
import accelmm.api.policy.PolicyInfo;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.ThrashingPolicy;
import accelmm.core.device.DeviceManagerImpl;

/**
 * The policy whiteboard: tracks every {@link EvictionPolicy}, {@link PrefetchPolicy} and
 * {@link ThrashingPolicy} service into the device manager's registry, and offers the registry
 * ({@link Policies}) and the simulated clocks ({@link SimClocks}) as services.
 *
 * <p>Concurrency: DS calls the binding methods from any thread; the registry is thread-safe.
 */
@Component(service = {Policies.class, SimClocks.class}, immediate = true)
public final class PolicyService implements Policies, SimClocks {
    private final DeviceManagerImpl devices;

    /** Serves the registry of the device manager. */
    @Activate
    public PolicyService(@Reference Devices devices) {
        this.devices = (DeviceManagerImpl) devices;
    }

    private PolicyRegistry registry() {
        return devices.policies();
    }

    private void add(Policy p, ServiceReference<?> ref) {
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        registry().add(p, (Long) ref.getProperty(Constants.SERVICE_ID), rank instanceof Integer i ? i : 0,
                ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName());
    }

    private void remove(ServiceReference<?> ref) {
        registry().remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    /** Tracks an eviction policy. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addEviction(EvictionPolicy p, ServiceReference<EvictionPolicy> ref) {
        add(p, ref);
    }

    /** Forgets an eviction policy. */
    public void removeEviction(EvictionPolicy p, ServiceReference<EvictionPolicy> ref) {
        remove(ref);
    }

    /** Tracks a prefetch policy. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addPrefetch(PrefetchPolicy p, ServiceReference<PrefetchPolicy> ref) {
        add(p, ref);
    }

    /** Forgets a prefetch policy. */
    public void removePrefetch(PrefetchPolicy p, ServiceReference<PrefetchPolicy> ref) {
        remove(ref);
    }

    /** Tracks a thrashing policy. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addThrashing(ThrashingPolicy p, ServiceReference<ThrashingPolicy> ref) {
        add(p, ref);
    }

    /** Forgets a thrashing policy. */
    public void removeThrashing(ThrashingPolicy p, ServiceReference<ThrashingPolicy> ref) {
        remove(ref);
    }

    @Override
    public List<PolicyInfo> list() {
        return registry().list();
    }

    @Override
    public void select(String device, PolicyKind kind, String name, Map<String, String> params) {
        registry().select(device, kind, name, params);
        devices.clocks().instant("policy " + kind.label() + "=" + name, device);
    }

    @Override
    public void check(String device, PolicyKind kind, String name, Map<String, String> params) {
        registry().check(device, kind, name, params);
    }

    @Override
    public String selected(String device, PolicyKind kind) {
        return registry().selected(device, kind);
    }

    @Override
    public Map<String, Long> stats(String device) {
        return registry().stats(device);
    }

    @Override
    public Map<Integer, SimTime> processes() {
        return devices.clocks().processes();
    }

    @Override
    public Map<String, SimTime> devices() {
        return devices.clocks().devices();
    }

    @Override
    public void startRun() {
        devices.clocks().startRun();
    }

    @Override
    public void waitUntil(int pid, long nanos) {
        devices.clocks().waitUntil(pid, nanos);
    }

    @Override
    public void trace(accelmm.api.cost.TraceSink sink) {
        devices.clocks().trace(sink);
    }

    @Override
    public void instant(String name, String device) {
        devices.clocks().instant(name, device);
    }
}
