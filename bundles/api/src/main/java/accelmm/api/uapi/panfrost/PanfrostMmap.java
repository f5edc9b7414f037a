package accelmm.api.uapi.panfrost;

import accelmm.api.mm.SharedFile;

/**
 * The reply of {@link PanfrostMmapBo}: the fake offset and the BO's shmem object, which the
 * process maps with {@code mmap(MAP_SHARED, file, 0)} to share the GPU's pages.
 *
 * @param offset the fake mmap offset
 * @param file the BO's pages
 */
public record PanfrostMmap(long offset, SharedFile file) {
}
