package accelmm.api.uapi.gna;

/**
 * GNA constants: modes, parameters, status bits, limits and the layer descriptor layout.
 *
 * <p>Concurrency: constants.
 */
public final class Gna {
    /** Mode GMM. */
    public static final int MODE_GMM = 0;
    /** Mode XNN (the highest valid mode). */
    public static final int MODE_XNN = 1;

    /** Parameter: the device id. */
    public static final long PARAM_DEVICE_ID = 1;
    /** Parameter: the most layers per request. */
    public static final long PARAM_MAX_LAYER_COUNT = 2;
    /** Parameter: the most memory per request. */
    public static final long PARAM_MAX_MEMORY = 3;

    /** The device id reported. */
    public static final long DEVICE_ID = 0x9A11;
    /** The most layers per request. */
    public static final int MAX_LAYER_COUNT = 1024;
    /** The most memory a request may use ({@code max_hw_mem}). */
    public static final long MAX_HW_MEM = 256L << 20;
    /** Bytes of one {@code struct gna_buffer} in user memory. */
    public static final long BUFFER_STRUCT_SIZE = 40;

    /** Status: the request completed. */
    public static final int STS_SCORE_COMPLETED = 1;
    /** Status: the performance counters are valid. */
    public static final int STS_STATISTICS_VALID = 1 << 3;
    /** Status: an MMU error. */
    public static final int STS_PCI_MMU_ERR = 1 << 4;
    /** Status: a DMA error. */
    public static final int STS_PCI_DMA_ERR = 1 << 5;
    /** Status: an access beyond {@code vamaxaddr}. */
    public static final int STS_VA_OOR = 1 << 7;
    /** Status: a descriptor parameter out of range. */
    public static final int STS_PARAM_OOR = 1 << 8;
    /** Status: an output saturated. */
    public static final int STS_SATURATE = 1 << 17;

    /** Bytes of one layer descriptor. */
    public static final int DESCRIPTOR_SIZE = 128;
    /** The affine (fully connected) operation. */
    public static final int OP_AFFINE = 0;

    private Gna() {
    }
}
