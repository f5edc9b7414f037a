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

    @Override
    public void run(Run run) {
        MmProcess p = run.spawn(proc.name());
        try {
            ProcessSession session = new ProcessSession(run, proc.name(), proc.device(),
                    run.random(file.name + "/" + proc.name()), p, file.content);
            for (WorkloadFile.Step s : proc.steps()) {
                try {
                    session.step(s, file.file + ":" + s.line() + " " + s.kind());
                } catch (ErrnoException e) {
                    throw new StepError.StepFailure(file.file + ":" + s.line(), s.kind(), e);
                }
                run.step(name());
            }
        } finally {
            p.exit();
        }
    }
}
