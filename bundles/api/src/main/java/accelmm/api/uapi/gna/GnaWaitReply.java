package accelmm.api.uapi.gna;

/**
 * The outcome of a request.
 *
 * @param hwStatus the status bits ({@code Gna.STS_*})
 * @param totalCycles the simulated cycles (one per multiply-accumulate)
 * @param stallCycles the cycles stalled
 */
public record GnaWaitReply(int hwStatus, long totalCycles, long stallCycles) {
}
