package accelmm.driver.gna;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.dma.DmaDevice;
import accelmm.api.mmu.GnaMmu;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaWaitReply;

/**
 * The simulated scoring engine: reads layer descriptors, inputs, weights and biases through the
 * GNA MMU and the device's DMA engine, computes affine layers in int64 and stores saturated int32
 * outputs the same way. An address past {@code vamaxaddr} stops the request with
 * {@link Gna#STS_VA_OOR}; an IOMMU fault with {@link Gna#STS_PCI_MMU_ERR}.
 *
 * <p>Concurrency: used by one request at a time.
 */
final class GnaEngine {
    /** The device could not reach an address. */
    private static final class Stop extends RuntimeException {
        final int status;

        Stop(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private static final int PAGE = (int) PageSize.PAGE_SIZE;
    private final GnaMmu mmu;
    private final DmaDevice dma;
    private boolean saturated;

    GnaEngine(GnaMmu mmu, DmaDevice dma) {
        this.mmu = mmu;
        this.dma = dma;
    }

    /** Runs {@code count} layers from {@code base}; returns the status and the cycles. */
    GnaWaitReply run(long base, int count) {
        long cycles = 0;
        try {
            for (int l = 0; l < count; l++) {
                cycles += layer(base + (long) l * Gna.DESCRIPTOR_SIZE);
            }
        } catch (Stop s) {
            return new GnaWaitReply(s.status, cycles, 0);
        }
        int status = Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID | (saturated ? Gna.STS_SATURATE : 0);
        return new GnaWaitReply(status, cycles, 0);
    }

    private long layer(long at) {
        ByteBuffer d = read(at, 28);
        int op = d.getInt();
        long nIn = Integer.toUnsignedLong(d.getInt());
        long nOut = Integer.toUnsignedLong(d.getInt());
        long in = Integer.toUnsignedLong(d.getInt());
        long out = Integer.toUnsignedLong(d.getInt());
        long weights = Integer.toUnsignedLong(d.getInt());
        long bias = Integer.toUnsignedLong(d.getInt());
        if (op != Gna.OP_AFFINE || nIn == 0 || nOut == 0 || nIn * nOut * 2 > Gna.MAX_HW_MEM) {
            throw new Stop(Gna.STS_PARAM_OOR);
        }
        ByteBuffer x = read(in, (int) nIn * 2);
        ByteBuffer w = read(weights, (int) (nIn * nOut * 2));
        ByteBuffer b = read(bias, (int) nOut * 4);
        ByteBuffer y = ByteBuffer.allocate((int) nOut * 4).order(ByteOrder.LITTLE_ENDIAN);
        short[] xs = new short[(int) nIn];
        for (int i = 0; i < nIn; i++) {
            xs[i] = x.getShort();
        }
        for (int o = 0; o < nOut; o++) {
            long acc = b.getInt();
            for (int i = 0; i < nIn; i++) {
                acc += (long) w.getShort() * xs[i];
            }
            if (acc > Integer.MAX_VALUE || acc < Integer.MIN_VALUE) {
                saturated = true;
                acc = acc > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            }
            y.putInt((int) acc);
        }
        write(out, y.array());
        return nIn * nOut;
    }

    /** Translates one page piece; stops the request if the MMU or the IOMMU cannot. */
    private long translate(long va) {
        long iova = mmu.translate(va);
        if (iova < 0) {
            throw new Stop(Gna.STS_VA_OOR);
        }
        return iova;
    }

    private ByteBuffer read(long va, int len) {
        byte[] buf = new byte[len];
        move(va, buf, false);
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void write(long va, byte[] data) {
        move(va, data, true);
    }

    private void move(long va, byte[] buf, boolean write) {
        int done = 0;
        while (done < buf.length) {
            long at = va + done;
            int n = Math.min(buf.length - done, PAGE - (int) (at & (PAGE - 1)));
            long iova = translate(at);
            translate(at + n - 1);
            try {
                if (write) {
                    dma.dmaWrite(iova, buf, done, n);
                } else {
                    dma.dmaRead(iova, buf, done, n);
                }
            } catch (ErrnoException e) {
                throw new Stop(Gna.STS_PCI_MMU_ERR);
            }
            done += n;
        }
    }
}
