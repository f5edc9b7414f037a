/**
 * The DRM core's uAPI that every GEM driver shares ({@code include/uapi/drm/drm.h}): PRIME, which
 * turns a buffer object into a dma-buf descriptor and back, as request records for
 * {@link accelmm.api.device.Devices#ioctl}. A driver that supports PRIME answers them; others
 * answer {@code ENOTTY}.
 *
 * <p>Rules (as {@code drm_prime.c}): exporting takes {@link accelmm.api.uapi.drm.Drm#CLOEXEC} and
 * {@link accelmm.api.uapi.drm.Drm#RDWR} only, else {@code EINVAL}; an unknown handle is
 * {@code ENOENT}; a BO exported again gives a new descriptor of the same dma-buf; importing a
 * dma-buf the same file imported before gives the same handle; a buffer of another device is
 * attached and mapped at import and gets a GPU address like any BO.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.uapi.drm;
