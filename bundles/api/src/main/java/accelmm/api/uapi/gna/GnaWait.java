package accelmm.api.uapi.gna;

/**
 * {@code GNA_WAIT}: waits for a request of the calling file and collects its outcome. Replies
 * {@link GnaWaitReply}; a request that failed answers its errno.
 *
 * @param requestId the request
 * @param timeoutMs how long to wait
 */
public record GnaWait(long requestId, long timeoutMs) implements GnaIoctl<GnaWaitReply> {
}
