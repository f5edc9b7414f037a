package accelmm.workload;

import accelmm.api.ErrnoException;
import accelmm.api.mm.MmProcess;

/**
 * One process of a workload file, run step by step. Every buffer has a model of the bytes it must
 * hold; CPU and GPU writes update it, CPU and GPU reads (and a forked child's reads) are checked
 * against it.
 *
 * <p>Concurrency: one thread per process.
 */
final class FileWorkload implements Workload {
    private final WorkloadFile file;
    private final WorkloadFile.Proc proc;

    FileWorkload(WorkloadFile file, WorkloadFile.Proc proc) {
        this.file = file;
        this.proc = proc;
    }

    @Override
    public String name() {
        return proc.name();
    }

    @Override
    public String device() {
        return proc.device();
    }

    @Override
    public String description() {
        return file.name + ": process " + proc.name();
    }

    @Override
    public int steps() {
        return proc.steps().size();
    }

    /** A named phase under way: when it began, on the wall clock and on the process's simulated clock. */
    private record Phase(String name, long wallStart, accelmm.api.cost.SimTime simStart) {
    }

    private static accelmm.api.cost.SimTime simulated(Run run, MmProcess p) {
        accelmm.api.cost.SimClocks c = run.clocks;
        accelmm.api.cost.SimTime t = c == null ? null : c.processes().get(p.pid());
        return t == null ? accelmm.api.cost.SimTime.zero() : t;
    }

    /** Records what the phase under way took, if there is one. */
    private void end(Run run, MmProcess p, Phase phase) {
        if (phase != null) {
            run.phases.add(new Run.PhaseFigures(proc.name(), phase.name(), System.nanoTime() - phase.wallStart(),
                    simulated(run, p).minus(phase.simStart())));
        }
    }

    @Override
    public void run(Run run) {
        MmProcess p = run.spawn(proc.name());
        try {
            ProcessSession session = new ProcessSession(run, proc.name(), proc.device(),
                    run.random(file.name + "/" + proc.name()), p, file.content);
            Phase phase = null;
            for (WorkloadFile.Step s : proc.steps()) {
                try {
                    switch (s.kind()) {
                        case "phase" -> {
                            end(run, p, phase);
                            phase = new Phase(s.name("name"), System.nanoTime(), simulated(run, p));
                        }
                        case "barrier" -> run.await(s.name("name"), p.pid());
                        default -> session.step(s, file.file + ":" + s.line() + " " + s.kind());
                    }
                } catch (ErrnoException e) {
                    throw new StepError.StepFailure(file.file + ":" + s.line(), s.kind(), e);
                }
                run.step(name());
            }
            end(run, p, phase);
        } finally {
            p.exit();
        }
    }
}
