package accelmm.api.uapi.panfrost;

/**
 * The reply of {@link PanfrostCreateBo}.
 *
 * @param handle the BO handle in the calling file
 * @param offset the BO's GPU address
 */
public record PanfrostBo(int handle, long offset) {
}
