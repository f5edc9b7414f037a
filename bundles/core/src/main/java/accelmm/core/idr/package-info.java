/**
 * The ID registries: a 64-way radix tree with per-node free bitmaps ({@link accelmm.core.idr.IdTree})
 * under the IDR, IDA and allocating-XArray semantics of {@code lib/idr.c} and {@code lib/xarray.c},
 * and the {@link accelmm.api.idr.IdrRegistry} service that names and keeps them.
 */
package accelmm.core.idr;
