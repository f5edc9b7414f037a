package accelmm.api.uapi.gna;

/**
 * The reply of {@link GnaCompute}.
 *
 * @param requestId the request's id
 */
public record GnaRequestId(long requestId) {
}
