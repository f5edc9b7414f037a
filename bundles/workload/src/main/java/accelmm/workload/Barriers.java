package accelmm.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The barriers of a workload file: which processes wait at each, checked before anything runs.
 *
 * <p>Concurrency: stateless.
 */
final class Barriers {
    private Barriers() {
    }

    /**
     * Counts the processes at each barrier: every process that waits at one must wait there as
     * often as the others, and at least two must, or the barrier would never open (or always).
     */
    static Map<String, Integer> count(String file, List<WorkloadFile.Proc> processes) {
        Map<String, Map<String, Integer>> waits = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (WorkloadFile.Proc p : processes) {
            for (WorkloadFile.Step s : p.steps()) {
                if (s.kind().equals("barrier")) {
                    waits.computeIfAbsent(s.name("name"), n -> new LinkedHashMap<>()).merge(p.name(), 1, Integer::sum);
                    firstLine.putIfAbsent(s.name("name"), s.line());
                }
            }
        }
        Map<String, Integer> parties = new LinkedHashMap<>();
        waits.forEach((name, byProc) -> {
            if (byProc.size() < 2) {
                throw WorkloadFile.error(file, firstLine.get(name), "barrier '" + name + "' in at least two processes; only "
                        + byProc.keySet().iterator().next() + " waits there");
            }
            if (new java.util.HashSet<>(byProc.values()).size() != 1) {
                throw WorkloadFile.error(file, firstLine.get(name), "every process at barrier '" + name + "' to wait there as often; " + byProc);
            }
            parties.put(name, byProc.size());
        });
        return parties;
    }
}
