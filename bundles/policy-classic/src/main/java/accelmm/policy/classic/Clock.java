package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;

/**
 * CLOCK, or second chance: the hand sweeps from the block that entered first; a block it passes
 * with its reference bit set loses the bit and goes round again (to the young end, in the order the
 * candidates are offered), the first without it is the victim. When every block was referenced the
 * hand comes back to the first, now cleared.
 */
@Component(service = EvictionPolicy.class)
public final class Clock implements EvictionPolicy {
    @Override
    public String name() {
        return "clock";
    }

    @Override
    public String summary() {
        return "CLOCK (second chance): FIFO that spares a block referenced since the hand last passed";
    }

    @Override
    public PolicyBlock victim(EvictionCandidates c, PolicyParams params) {
        PolicyBlock oldest = c.get(0);
        PolicyBlock victim = null;
        for (int i = 0; i < c.size(); i++) {
            PolicyBlock b = c.get(i);
            if (b.insertedAt() < oldest.insertedAt()) {
                oldest = b;
            }
            if (!b.referenced() && (victim == null || b.insertedAt() < victim.insertedAt())) {
                victim = b;
            }
        }
        PolicyBlock chosen = victim != null ? victim : oldest;
        long hand = chosen.insertedAt();
        for (int i = 0; i < c.size(); i++) {
            PolicyBlock b = c.get(i);
            if (b != chosen && b.referenced() && (victim == null || b.insertedAt() < hand)) {
                b.secondChance();
            }
        }
        return chosen;
    }
}
