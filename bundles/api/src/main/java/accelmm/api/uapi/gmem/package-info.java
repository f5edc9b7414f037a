/**
 * The GMEM device (a simulated NPU) uAPI as request and reply records for
 * {@link accelmm.api.device.Devices#ioctl}: attach the calling process's address space
 * ({@link GmemAttach}, the context init), run a kernel over an address range ({@link GmemRun}: the
 * device's accesses fault through {@link accelmm.api.gmem.Gmem#devFault}), mark regions hot
 * ({@link GmemMarkHot}), ask where the data is ({@link GmemResidency}) and detach ({@link GmemDetach}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.uapi.gmem;
