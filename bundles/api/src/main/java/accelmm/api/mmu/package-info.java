/**
 * Device MMUs: io-pgtable style page tables ({@link accelmm.api.mmu.IoPgtable}) with TLB
 * maintenance through {@link accelmm.api.mmu.IoTlbOps} and {@link accelmm.api.mmu.IotlbGather}.
 *
 * <h2>Rules</h2>
 * A page size must be exactly one size of the table's bitmap; addresses must be aligned to it;
 * addresses beyond the input or output size are {@code ERANGE}; a live translation is never
 * overwritten ({@code EEXIST}); a protection without READ and WRITE maps nothing.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package accelmm.api.mmu;
