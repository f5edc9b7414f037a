package accelmm.api.mm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Page stamps: a 64-bit value that stands for the whole content of a 4 KiB page, so that a large
 * working set can be simulated with every page still checked, in 8 bytes a page instead of 4096.
 *
 * <p>A stamp is non-zero with bit 63 clear ({@link #valid}); 0 is the zero page. A page holding a
 * stamp reads, byte for byte, as {@link #expand} of it: the stamp in its first eight bytes
 * (little-endian) and words mixed from the stamp after them, so every byte path (a driver's
 * {@code physRead}, a DMA, a CPU read) sees a real page, and a copy or a migration carries the stamp
 * unchanged. A page written with bytes reads back as the stamp it holds if its bytes are exactly
 * an expansion, else as a value with bit 63 set that matches no stamp ({@link #ofBytes}).
 *
 * <p>Concurrency: pure functions.
 */
public final class Stamps {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int PAGE = 4096;

    private Stamps() {
    }

    /** True if {@code s} is a stamp a page can hold: non-zero, bit 63 clear. */
    public static boolean valid(long s) {
        return s > 0;
    }

    /**
     * Checks that a page is given a stamp it can hold.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a stamp that is not {@link #valid}
     */
    public static void checkValid(long stamp) {
        if (!valid(stamp)) {
            throw accelmm.api.Errno.EINVAL.exception(String.format("0x%x is not a stamp (non-zero, bit 63 clear)", stamp));
        }
    }

    /**
     * Checks a stamp access: whole pages ({@code length} a positive multiple of 4096) from a
     * page-aligned {@code addr}, and for a store ({@code packed} not null) one valid stamp of 8
     * bytes per page; nothing is done when it fails.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} otherwise
     */
    public static void checkPages(long addr, long length, byte[] packed) {
        if ((addr & (PAGE - 1)) != 0 || length <= 0 || length % PAGE != 0) {
            throw accelmm.api.Errno.EINVAL.exception(String.format(
                    "a stamp access covers whole pages from a page-aligned address, not 0x%x + %d", addr, length));
        }
        if (packed != null) {
            if (packed.length != length / PAGE * 8) {
                throw accelmm.api.Errno.EINVAL.exception("a stamp store carries 8 bytes for each of its " + length / PAGE + " pages");
            }
            for (int i = 0; i < packed.length; i += 8) {
                checkValid((long) LONG_LE.get(packed, i));
            }
        }
    }

    /** The stamp at index {@code i} of a packed array ({@link #pack}). */
    public static long get(byte[] packed, int i) {
        return (long) LONG_LE.get(packed, i * 8);
    }

    /** Sets the stamp at index {@code i} of a packed array ({@link #pack}). */
    public static void set(byte[] packed, int i, long stamp) {
        LONG_LE.set(packed, i * 8, stamp);
    }

    /** Makes a valid stamp from any 64 bits (a writer's random value, a seed and an offset mixed). */
    public static long of(long bits) {
        long s = mix(bits) & Long.MAX_VALUE;
        return s == 0 ? 1 : s;
    }

    /** Makes a valid stamp from a seed and an address: what a device kernel storing {@code seed} leaves in the page at {@code addr}. */
    public static long derive(long seed, long addr) {
        return of(seed * 0x9E3779B97F4A7C15L + (addr >>> 12));
    }

    /** Writes {@code len} bytes of the expansion of {@code stamp}, from {@code offset} in the page, into {@code dst}. */
    public static void expand(long stamp, int offset, byte[] dst, int dstOff, int len) {
        byte[] page = page(stamp);
        System.arraycopy(page, offset, dst, dstOff, len);
    }

    /** The 4096 bytes a page holding {@code stamp} reads as. */
    public static byte[] page(long stamp) {
        byte[] b = new byte[PAGE];
        LONG_LE.set(b, 0, stamp);
        for (int i = 8; i < PAGE; i += 8) {
            LONG_LE.set(b, i, mix(stamp + i));
        }
        return b;
    }

    /** The stamp a page of these 4096 bytes reads back as: its stamp if the bytes are an expansion, else a value with bit 63 set. */
    public static long ofBytes(byte[] page) {
        long s = (long) LONG_LE.get(page, 0);
        if (valid(s) && java.util.Arrays.equals(page, page(s))) {
            return s;
        }
        long h = 0;
        for (int i = 0; i < PAGE; i += 8) {
            h = mix(h ^ (long) LONG_LE.get(page, i));
        }
        return h | Long.MIN_VALUE;
    }

    /** Packs stamps as 8 little-endian bytes each, as uapi replies and payloads carry them. */
    public static byte[] pack(long[] stamps) {
        byte[] b = new byte[stamps.length * 8];
        for (int i = 0; i < stamps.length; i++) {
            LONG_LE.set(b, i * 8, stamps[i]);
        }
        return b;
    }

    /** Unpacks stamps from 8 little-endian bytes each ({@link #pack}); a trailing partial stamp is ignored. */
    public static long[] unpack(byte[] packed) {
        long[] s = new long[packed.length / 8];
        for (int i = 0; i < s.length; i++) {
            s[i] = (long) LONG_LE.get(packed, i * 8);
        }
        return s;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
