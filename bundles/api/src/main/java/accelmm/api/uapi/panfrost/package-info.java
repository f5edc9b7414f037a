/**
 * The Panfrost (Arm Mali) uAPI ({@code include/uapi/drm/panfrost_drm.h}) as request and reply
 * records for {@link accelmm.api.device.Devices#ioctl}: buffer objects, their GPU addresses and CPU
 * mappings, madvise, and job submission.
 *
 * <p>A job is a list of {@link accelmm.api.uapi.panfrost.PanfrostCmd} run by the GPU in order
 * through the file's GPU address space: a translation fault in a heap BO maps the 2 MiB block
 * around the address and the job resumes; any other fault ends the job.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.uapi.panfrost;
