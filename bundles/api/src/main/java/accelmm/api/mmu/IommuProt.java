package accelmm.api.mmu;

/**
 * Protection bits of a device mapping ({@code IOMMU_READ}, {@code IOMMU_WRITE}, ...).
 *
 * <p>Concurrency: constants only.
 */
public final class IommuProt {
    /** The device may read. */
    public static final int READ = 1;
    /** The device may write. */
    public static final int WRITE = 1 << 1;
    /** Cache-coherent access. */
    public static final int CACHE = 1 << 2;
    /** The device must not execute from the mapping. */
    public static final int NOEXEC = 1 << 3;

    private IommuProt() {
    }
}
