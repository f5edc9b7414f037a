/**
 * The driver model: devices created by the core from configuration, the {@link
 * accelmm.api.device.DeviceDriver} service interface driver bundles implement, open files and
 * ioctl dispatch ({@link accelmm.api.device.Devices}). The core owns every device's state; a
 * driver is policy, bound to a device and replaceable while the device is in use.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.device;
