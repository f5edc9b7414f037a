package accelmm.api.device;

/**
 * An ioctl request: a record of a driver's uapi package whose reply is an {@code R} ({@link Void}
 * for none, answered with null). Each driver's requests implement one sealed interface of its uapi
 * package (PRIME's, {@code DrmRequest}, is shared by the DRM drivers), and a driver answers only
 * the families it declares in its {@link IoctlTable}: any other request is {@code ENOTTY}.
 *
 * @param <R> the reply type
 */
public interface Request<R> {
}
