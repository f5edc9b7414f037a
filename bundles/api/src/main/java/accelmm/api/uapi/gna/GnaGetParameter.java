package accelmm.api.uapi.gna;

/**
 * {@code GNA_GET_PARAMETER}: replies the value as a {@code Long}.
 *
 * @param param {@code Gna.PARAM_*}
 */
public record GnaGetParameter(long param) implements GnaIoctl<Long> {
}
