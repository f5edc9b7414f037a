package accelmm.core.diag;

import accelmm.core.fault.FaultInjector;

/**
 * The fault sites and warning counter that every subsystem of one core instance shares.
 *
 * <p>Components of the core bundle use {@link #shared()}; unit tests build their own instance so
 * that tests stay independent.
 *
 * <p>Concurrency: immutable holder of thread-safe parts.
 */
public record CoreDiagnostics(FaultInjector faults, Warnings warnings) {
    private static final CoreDiagnostics SHARED = create();

    /** Returns a new, independent instance. */
    public static CoreDiagnostics create() {
        return new CoreDiagnostics(new FaultInjector(), new Warnings());
    }

    /** Returns the instance of this core bundle. */
    public static CoreDiagnostics shared() {
        return SHARED;
    }
}
