package accelmm.workload;

import accelmm.api.ErrnoException;

/**
 * A step that failed with an errno (an injected allocation failure, an unplugged device, a
 * rule the step broke), as the report lists it: apart from data checks, which compare bytes.
 *
 * <p>Concurrency: immutable.
 *
 * @param workload the workload or process it happened in
 * @param location {@code FILE:LINE} of the step in a workload file, or null
 * @param step the step kind ({@code gpu-write}), or null
 * @param errno the errno's name, or null for a failure without one (a bug)
 * @param message what went wrong, without the errno
 */
record StepError(String workload, String location, String step, String errno, String message) {
    /** A failure of a workload's thread. */
    static StepError of(String workload, Throwable e) {
        String location = null;
        String step = null;
        Throwable t = e;
        if (e instanceof StepFailure f) {
            location = f.location();
            step = f.step();
            t = f.getCause();
        }
        if (t instanceof ErrnoException ee) {
            String m = ee.getMessage();
            String prefix = ee.errno().name() + ": ";
            return new StepError(workload, location, step, ee.errno().name(), m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
        return new StepError(workload, location, step, null, t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    /** {@code FILE:LINE gpu-write: EIO: message}. */
    String text() {
        StringBuilder b = new StringBuilder();
        if (location != null) {
            b.append(location).append(' ');
        }
        if (step != null) {
            b.append(step).append(": ");
        }
        if (errno != null) {
            b.append(errno).append(": ");
        }
        return b.append(message).toString();
    }

    /** A failure of one step of a workload file, with where it is. */
    static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String location;
        private final String step;

        StepFailure(String location, String step, RuntimeException cause) {
            super(location + " " + step + ": " + cause.getMessage(), cause);
            this.location = location;
            this.step = step;
        }

        String location() {
            return location;
        }

        String step() {
            return step;
        }
    }
}
