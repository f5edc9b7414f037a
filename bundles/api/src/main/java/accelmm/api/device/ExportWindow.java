package accelmm.api.device;

/**
 * The part of a device's memory that one dma-buf export reaches.
 *
 * @param va the mapped device address it was exported from, or -1 when exported by physical address
 * @param handle the allocation's handle, or -1
 * @param offset the byte offset into the allocation, or the physical address without a handle
 * @param size its size in bytes
 */
public record ExportWindow(long va, long handle, long offset, long size) {
}
