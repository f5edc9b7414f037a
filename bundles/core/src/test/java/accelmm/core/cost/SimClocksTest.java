package accelmm.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import accelmm.api.cost.CostCategory;
import accelmm.api.cost.CostModel;
import accelmm.api.cost.DeviceCost;

/** Charges move the payer's clock and the device's busy time; transfers queue for the DMA engines. */
class SimClocksTest {
    /** 1 GB/s, 1 us a transfer: 1000 bytes take 2 us; two engines. */
    static final CostModel SLOW = new CostModel("custom", 1_000_000_000L, 1_000, 20_000, 500, 1_000_000_000L, 2,
            1_000_000_000_000L);

    @Test
    void transfersOnTwoEnginesOverlapAndAThirdWaits() {
        SimClocksImpl clocks = new SimClocksImpl();
        clocks.configure("dev0", SLOW);
        DeviceCost d = clocks.device("dev0");
        d.transfer(1, CostCategory.TO_DEVICE, 1000);
        d.transfer(2, CostCategory.TO_DEVICE, 1000);
        assertEquals(2_000, clocks.processes().get(1).nanos());
        assertEquals(2_000, clocks.processes().get(2).nanos(), "the second engine takes it at once");
        d.transfer(3, CostCategory.EVICTION, 1000);
        assertEquals(4_000, clocks.processes().get(3).nanos(), "both engines busy until 2 us: it waits");
        assertEquals(4_000, clocks.processes().get(3).nanos(CostCategory.EVICTION), "the wait counts as the transfer's");
        d.fault(1);
        d.tlbFlush(1);
        d.compute(1, 1_000_000, 0);
        assertEquals(2_000 + 20_000 + 500 + 1_000, clocks.processes().get(1).nanos());
        assertEquals(3 * 2_000 + 20_000 + 500 + 1_000, clocks.devices().get("dev0").nanos(), "busy: work, not waits");
        assertEquals(23_500, d.nowNanos());
    }

    @Test
    void aProcessOfALaterRunStartsAtTheHostsNow() {
        SimClocksImpl clocks = new SimClocksImpl();
        DeviceCost d = clocks.device("dev0");
        d.transfer(1, CostCategory.TO_HOST, 1 << 30);
        clocks.startRun();
        d.transfer(2, CostCategory.TO_HOST, 4096);
        assertEquals(CostModel.PCIE4_X16.transferNanos(4096), clocks.processes().get(2).nanos(),
                "it does not wait for engines an earlier process kept busy");
    }
}
