package accelmm.policy.uvm;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.ThrashAction;
import accelmm.api.policy.ThrashingPolicy;

/**
 * UVM's thrashing detector ({@code uvm_perf_thrashing.c}): a move within {@code lapse_usec} of the
 * block's previous one is a thrashing event, one later resets the count; {@code threshold}
 * consecutive events make the block thrashing. A thrashing block first throttles the faulting
 * processor ({@code nap} lapses), and after {@code pin_threshold} throttles is pinned where it is
 * for {@code pin} lapses and mapped remotely meanwhile.
 */
@Component(service = ThrashingPolicy.class)
public final class UvmThrashing implements ThrashingPolicy {
    private static final List<PolicyParam> PARAMS = List.of(
            new PolicyParam("threshold", 3, 1, 7, "consecutive thrashing events that make a block thrashing"),
            new PolicyParam("pin_threshold", 10, 1, 255, "throttles before the block is pinned"),
            new PolicyParam("lapse_usec", 500, 1, 1_000_000, "two moves closer than this are a thrashing event (us)"),
            new PolicyParam("nap", 1, 1, 100, "a throttled processor's nap, in lapses"),
            new PolicyParam("pin", 300, 0, 1_000_000, "how long a block stays pinned, in lapses"));
    private static final int THRESHOLD = 0;
    private static final int PIN_THRESHOLD = 1;
    private static final int LAPSE = 2;
    private static final int NAP = 3;
    private static final int PIN = 4;

    @Override
    public String name() {
        return "uvm-thrashing";
    }

    @Override
    public String summary() {
        return "NVIDIA UVM's thrashing detector: throttle a block that moves too often, then pin it and map it remotely";
    }

    @Override
    public List<PolicyParam> params() {
        return PARAMS;
    }

    @Override
    public ThrashAction moved(PolicyBlock b, long nowNanos, PolicyParams p) {
        long lapse = p.get(LAPSE) * 1000;
        long last = b.lastMoveNanos();
        if (last >= 0 && nowNanos - last < lapse) {
            b.thrashEvents(Math.min(7, b.thrashEvents() + 1));
        } else {
            b.thrashEvents(0);
        }
        if (b.thrashEvents() < p.get(THRESHOLD)) {
            return ThrashAction.NONE;
        }
        if (b.throttles() < p.get(PIN_THRESHOLD)) {
            b.throttles(b.throttles() + 1);
            return ThrashAction.THROTTLE;
        }
        b.throttles(0);
        b.thrashEvents(0);
        b.pinnedUntilNanos(p.get(PIN) == 0 ? Long.MAX_VALUE : nowNanos + p.get(PIN) * lapse);
        return ThrashAction.PIN;
    }

    @Override
    public long napNanos(PolicyParams p) {
        return p.get(NAP) * p.get(LAPSE) * 1000;
    }
}
