/**
 * The Intel GNA uAPI ({@code include/uapi/misc/intel/gna.h}) as request and reply records for
 * {@link accelmm.api.device.Devices#ioctl}: map and unmap user memory, compute, wait, get parameter.
 *
 * <p>The device address space of a request is the concatenation, in buffer order, of each
 * buffer's page window ({@code round_down(offset)} to {@code round_up(offset + size)} of its memory
 * object): buffer {@code k} starts at the sum of the previous windows plus {@code offset % 4096}.
 * A layer descriptor ({@link Gna#DESCRIPTOR_SIZE} bytes at {@code layerBase + i * 128}) holds, as
 * little-endian u32: the operation ({@link Gna#OP_AFFINE}), the input and output counts, and the
 * device addresses of the int16 inputs, int32 outputs, int16 weights (output-major) and int32
 * biases. The device computes {@code out[o] = bias[o] + sum_i weight[o][i] * in[i]}, saturated to
 * int32.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.uapi.gna;
