package accelmm.api.uapi.gmem;

/**
 * The reply to {@link GmemRun}.
 *
 * @param data the bytes read by a {@link GmemOp#LOAD}, else empty
 * @param faults device faults taken
 * @param migrating faults that found device memory full
 * @param evictions regions evicted to make room
 */
public record GmemRunResult(byte[] data, long faults, long migrating, long evictions) {
}
