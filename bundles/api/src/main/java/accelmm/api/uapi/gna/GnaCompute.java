package accelmm.api.uapi.gna;

import java.util.List;

/**
 * {@code GNA_COMPUTE} ({@code struct gna_compute_cfg}): runs layers over buffers. Replies
 * {@link GnaRequestId}; the outcome comes with {@link GnaWait}.
 *
 * @param layerBase the device address of the first layer descriptor
 * @param layerCount the number of layers
 * @param bufferCount the {@code buffer_count} field; the user array holds {@code buffers}
 * @param buffers the buffer array as it is in user memory
 * @param activeListOn the active-list flag
 * @param gnaMode {@link Gna#MODE_GMM} or {@link Gna#MODE_XNN}
 */
public record GnaCompute(long layerBase, long layerCount, long bufferCount, List<GnaBuffer> buffers, boolean activeListOn,
        int gnaMode) implements GnaIoctl<GnaRequestId> {
    /** Copies the buffers. */
    public GnaCompute {
        buffers = List.copyOf(buffers);
    }

    /** A request whose count matches its buffers. */
    public GnaCompute(long layerBase, long layerCount, List<GnaBuffer> buffers, int gnaMode) {
        this(layerBase, layerCount, buffers.size(), buffers, false, gnaMode);
    }
}
