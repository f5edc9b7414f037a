package accelmm.api.device;

/**
 * A request of words, for a driver without a uapi package of its own (a test or example driver
 * deployed as a jar, whose classes a caller cannot share): the driver parses {@code command} and
 * answers with a JDK value.
 *
 * @param command the request, as the driver documents it
 */
public record CommandRequest(String command) implements Request<Object> {
}
