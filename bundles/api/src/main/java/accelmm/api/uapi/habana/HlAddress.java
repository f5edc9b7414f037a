package accelmm.api.uapi.habana;

/**
 * The reply of a map: the device virtual address.
 *
 * @param deviceVa the device virtual address
 */
public record HlAddress(long deviceVa) {
}
