package accelmm.api.uapi.xe;

import accelmm.api.mm.SharedFile;

/**
 * The reply of {@link XeGemMmapOffset}: the fake offset and the BO's pages, which the process maps
 * with {@code mmap(MAP_SHARED, file, 0)} to share them with the GPU.
 *
 * @param offset the fake mmap offset
 * @param file the BO's pages in system memory
 */
public record XeMmap(long offset, SharedFile file) {
}
