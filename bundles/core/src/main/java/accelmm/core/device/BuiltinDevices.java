package accelmm.core.device;

import java.util.List;
import java.util.Map;

import accelmm.api.device.DeviceSpec;

/**
 * The devices that exist without configuration: one of each kind, two Habana devices under one
 * switch so a dma-buf can travel peer to peer.
 *
 * <p>Concurrency: constants.
 */
final class BuiltinDevices {
    static final long SZ_4K = 1L << 12;
    static final long SZ_2M = 1L << 21;
    static final long SZ_1G = 1L << 30;

    private BuiltinDevices() {
    }

    static List<DeviceSpec> all() {
        return List.of(
                new DeviceSpec("gna0", "gna", 0, SZ_4K, SZ_4K, 65536, "rc0/gna0", 1, Map.of()),
                new DeviceSpec("panfrost0", "panfrost", 0, SZ_4K | SZ_2M, SZ_4K, 1L << 32, null, 8, Map.of()),
                new DeviceSpec("habana0", "habana", 256L << 20, SZ_4K | SZ_2M, SZ_2M, 1L << 20, "rc0/sw0/habana0", 1, Map.of()),
                new DeviceSpec("habana1", "habana", 256L << 20, SZ_4K | SZ_2M, SZ_2M, 1L << 20, "rc0/sw0/habana1", 1, Map.of()),
                new DeviceSpec("xe0", "xe", 32L << 20, SZ_4K | SZ_2M | SZ_1G, SZ_4K, 1L << 32, "rc0/sw1/xe0", 1, Map.of()),
                new DeviceSpec("gmem0", "gmem", 16L << 20, SZ_4K | SZ_2M, SZ_2M, 1L << 20, "rc0/sw1/gmem0", 1, Map.of()),
                new DeviceSpec("gmem1", "gmem", 16L << 20, SZ_4K | SZ_2M, SZ_2M, 1L << 20, "rc0/sw1/gmem1", 1, Map.of()));
    }
}
