package accelmm.api.uapi.panfrost;

import java.util.List;

/**
 * {@code DRM_IOCTL_PANFROST_SUBMIT}: runs a job. Replies {@link PanfrostJob}.
 *
 * @param boHandles the BOs the job uses (each must be a BO of the calling file)
 * @param commands the command stream
 */
public record PanfrostSubmit(List<Integer> boHandles, List<PanfrostCmd> commands) implements PanfrostIoctl<PanfrostJob> {
    /** Copies the lists. */
    public PanfrostSubmit {
        boHandles = List.copyOf(boHandles);
        commands = List.copyOf(commands);
    }
}
