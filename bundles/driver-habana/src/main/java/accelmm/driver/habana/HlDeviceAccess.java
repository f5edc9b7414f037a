package accelmm.driver.habana;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.uapi.habana.Hl;

/**
 * The device's own engines reaching memory by device virtual address: DRAM mappings translate to
 * the DRAM's physical address, host mappings to an IOVA the DMA engine uses through the IOMMU.
 *
 * <p>Concurrency: page-table lookups lock the table; bytes move without the device lock.
 */
final class HlDeviceAccess {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private HlDeviceAccess() {
    }

    /**
     * Reads or writes {@code buf} at {@code va} for process {@code pid}, which pays for the bytes on
     * the simulated clock: DRAM at the device's memory bandwidth, host and peer memory over the link.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for an address that is not mapped;
     *     {@code EBUSY} while the device resets
     */
    static void move(HlState st, int pid, long va, byte[] buf, boolean write) {
        st.requireOperational();
        int done = 0;
        long local = 0;
        long remote = 0;
        while (done < buf.length) {
            long at = va + done;
            int n = (int) Math.min(buf.length - done, PAGE - (at & (PAGE - 1)));
            long pa = st.pgtable().iovaToPhys(at);
            if (pa == 0) {
                throw Errno.EFAULT.exception("device address 0x" + Long.toHexString(at) + " is not mapped");
            }
            if (at < Hl.DRAM_VA_BASE) {
                remote += n;
                if (write) {
                    st.dev.dmaDevice().dmaWrite(pa, buf, done, n);
                } else {
                    st.dev.dmaDevice().dmaRead(pa, buf, done, n);
                }
            } else if (write) {
                local += n;
                st.dev.memoryManager().physWrite(pa, buf, done, n);
            } else {
                local += n;
                st.dev.memoryManager().physRead(pa, buf, done, n);
            }
            done += n;
        }
        st.dev.cost().compute(pid, local, remote);
    }
}
