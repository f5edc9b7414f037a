package accelmm.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

class WorkloadFileTest {
    static final Map<String, String> DEVICES = Map.of("xe0", "xe", "panfrost0", "panfrost", "gna0", "gna", "habana0", "habana",
            "habana1", "habana");

    static WorkloadFile parse(String text) {
        return WorkloadFile.parse("w.yaml", text, DEVICES::get, null);
    }

    static String error(String text) {
        ErrnoException e = assertThrows(ErrnoException.class, () -> parse(text));
        assertEquals(Errno.EINVAL, e.errno());
        return e.getMessage().substring("EINVAL: ".length());
    }

    static final String HEAD = "name: t\nprocesses:\n  - name: p\n    device: xe0\n    steps:\n";

    @Test
    void theExampleFilesParse() throws Exception {
        WorkloadFile yaml = WorkloadFile.parse("svm-and-heap.yaml",
                Files.readString(Path.of("../../workloads/svm-and-heap.yaml")), DEVICES::get, null);
        assertEquals(2, yaml.processes.size());
        assertEquals(7, yaml.seed);
        assertEquals("panfrost", yaml.swapDriver);
        WorkloadFile json = WorkloadFile.parse("cpu-and-gpu.json",
                Files.readString(Path.of("../../workloads/cpu-and-gpu.json")), DEVICES::get, null);
        assertEquals(6, json.processes.get(0).steps().size());
        assertEquals(65536L, json.processes.get(0).steps().get(0).size("size", 0));
    }

    @Test
    void stampsModeRefusesWhatAStampCannotShow() {
        String whole = "content: stamps\n" + HEAD + "      - mmap: {as: a, size: 64k}\n      - write: {to: a, offset: 8k, length: 16k}\n";
        assertEquals(Content.STAMPS, parse(whole).content);
        assertEquals(Content.BYTES, parse(HEAD + "      - mmap: {as: a, size: 64k}\n").content);
        String part = HEAD + "      - mmap: {as: a, size: 64k}\n      - read: {from: a, offset: 100, length: 4k}\n";
        assertEquals(Content.BYTES, WorkloadFile.parse("w.yaml", part, DEVICES::get, null).content);
        accelmm.api.ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(accelmm.api.ErrnoException.class,
                () -> WorkloadFile.parse("w.yaml", part, DEVICES::get, Content.STAMPS));
        assertEquals("EINVAL: w.yaml:7: expected 'offset' and 'length' of whole pages (multiples of 4k) in stamps mode, not 100 and 4096:"
                + " a stamp stands for a whole page, so a part of one cannot be checked", e.getMessage());
        assertEquals("w.yaml:7: expected 'size': whole pages (a multiple of 4k) in stamps mode, not 5000",
                error("content: stamps\n" + HEAD + "      - mmap: {as: a, size: 5000}\n"));
        assertEquals("w.yaml:1: expected 'content': bytes or stamps, not 'words'", error("content: words\n" + HEAD + "      - mmap: {as: a, size: 4k}\n"));
    }

    /** A registry that knows lru and uvm-tree with its threshold (1 to 100). */
    static final accelmm.api.policy.Policies POLICIES = new accelmm.api.policy.Policies() {
        @Override
        public java.util.List<accelmm.api.policy.PolicyInfo> list() {
            return java.util.List.of();
        }

        @Override
        public void check(String device, accelmm.api.policy.PolicyKind kind, String name, Map<String, String> params) {
            if (!name.equals("uvm-tree") && !name.equals("lru")) {
                throw Errno.EINVAL.exception("no " + kind.label() + " policy '" + name + "'; known: lru, uvm-tree");
            }
            params.forEach((k, v) -> {
                if (!k.equals("threshold") || Long.parseLong(v) > 100) {
                    throw Errno.EINVAL.exception("policy." + kind.label() + "." + k + " (" + name + "): bad");
                }
            });
        }

        @Override
        public void select(String device, accelmm.api.policy.PolicyKind kind, String name, Map<String, String> params) {
            check(device, kind, name, params);
        }

        @Override
        public String selected(String device, accelmm.api.policy.PolicyKind kind) {
            return "lru";
        }

        @Override
        public Map<String, Long> stats(String device) {
            return Map.of();
        }
    };

    static String policyError(String text) {
        ErrnoException e = assertThrows(ErrnoException.class, () -> WorkloadFile.parse("w.yaml", text, DEVICES::get, null, POLICIES));
        return e.getMessage().substring("EINVAL: ".length());
    }

    @Test
    void policiesAreCheckedWithTheirLines() {
        WorkloadFile ok = WorkloadFile.parse("w.yaml", "policies:\n  xe0: {prefetch: uvm-tree, prefetch.threshold: 60}\n" + HEAD
                + "      - mmap: {as: a, size: 4k}\n", DEVICES::get, null, POLICIES);
        assertEquals(false, ok.policies.isEmpty());
        assertEquals("w.yaml:2: expected a configured device (see dev:list), not 'xe9'",
                policyError("policies:\n  xe9: {prefetch: uvm-tree}\n" + HEAD + "      - mmap: {as: a, size: 4k}\n"));
        assertEquals("w.yaml:2: no policy kind 'speed'; one of eviction, prefetch, thrashing",
                policyError("policies:\n  xe0: {speed: fast}\n" + HEAD + "      - mmap: {as: a, size: 4k}\n"));
        assertEquals("w.yaml:2: xe0: no prefetch policy 'magic'; known: lru, uvm-tree",
                policyError("policies:\n  xe0: {prefetch: magic}\n" + HEAD + "      - mmap: {as: a, size: 4k}\n"));
        assertEquals("w.yaml:2: xe0: policy.prefetch.threshold (uvm-tree): bad",
                policyError("policies:\n  xe0: {prefetch: uvm-tree, prefetch.threshold: 200}\n" + HEAD + "      - mmap: {as: a, size: 4k}\n"));
    }

    @Test
    void everyMistakeNamesItsLineAndWhatWasExpected() {
        assertEquals("w.yaml:1: expected the workload (a mapping with 'name' and 'processes')", error("- a\n- b\n"));
        assertEquals("w.yaml:1: expected 'processes' in the workload (a mapping with 'name' and 'processes')", error("name: t\n"));
        assertEquals("w.yaml:2: expected one of name, seed, content, swap, policies, processes; not 'color'", error("name: t\ncolor: red\nprocesses: []\n"));
        assertEquals("w.yaml:6: expected a step name, one of mmap, write, read, munmap, heap, advise, gpu-write, gpu-read, "
                + "fork-check, gna-infer, habana-share, phase, barrier, access, repeat; not 'copy'", error(HEAD + "      - copy: {from: a}\n"));
        assertEquals("w.yaml:7: expected 'gna-infer' needs a gna device and an mmap buffer",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - gna-infer: {buffer: a, inputs: 2, outputs: 2}\n"));
        assertEquals("w.yaml:6: expected 'habana-share' needs a process whose device is a habana device",
                error(HEAD + "      - habana-share: {size: 4k, peer: habana1}\n"));
        assertEquals("w.yaml:7: expected inputs x outputs of at most 8192", error(HEAD.replace("xe0", "gna0")
                + "      - mmap: {as: a, size: 64k}\n      - gna-infer: {buffer: a, inputs: 1024, outputs: 9}\n"));
        assertEquals("w.yaml:7: expected 'outputs': a number from 1 to 1024, not 0", error(HEAD.replace("xe0", "gna0")
                + "      - mmap: {as: a, size: 64k}\n      - gna-infer: {buffer: a, inputs: 4, outputs: 0}\n"));
        assertEquals("w.yaml:6: expected 'size' in the arguments of 'mmap': as, size", error(HEAD + "      - mmap: {as: a}\n"));
        assertEquals("w.yaml:7: expected a buffer defined by an earlier mmap or heap step; 'b' is not",
                error(HEAD + "      - mmap: {as: a, size: 4k}\n      - read: {from: b}\n"));
        assertEquals("w.yaml:6: expected 'size': a size (4096, 64k, 2m, 1g, 1t), not 'lots'", error(HEAD + "      - mmap: {as: a, size: lots}\n"));
        assertEquals("w.yaml:6: expected 'size': from 4k to 1t", error(HEAD + "      - mmap: {as: a, size: 2k}\n"));
        assertEquals("w.yaml:6: expected 'heap' needs a process whose device is a panfrost device", error(HEAD + "      - heap: {as: h, size: 4m}\n"));
        assertEquals("w.yaml:4: expected 'device': a configured device (see dev:list), not 'npu9'",
                error(HEAD.replace("xe0", "npu9") + "      - mmap: {as: a, size: 4k}\n"));
        assertEquals("w.yaml:7: expected 'gpu-read' needs an xe or gmem device with an mmap buffer or a panfrost device with a heap buffer",
                error(HEAD.replace("xe0", "gna0") + "      - mmap: {as: a, size: 4k}\n      - gpu-read: {from: a}\n"));
        assertEquals("w.yaml:8: expected a buffer defined by an earlier mmap or heap step; 'a' is not",
                error(HEAD + "      - mmap: {as: a, size: 4k}\n      - munmap: {buffer: a}\n      - read: {from: a}\n"));
        assertEquals("w.yaml:4: expected 'driver': gna, panfrost, habana, xe, gmem, or a policy bundle: policy-classic, policy-uvm, not 'nvidia'",
                error("name: t\nseed: 2\nswap:\n  driver: nvidia\nprocesses: []\n"));
        assertEquals("w.yaml:6: expected 'location': vram or system, not 'disk'",
                error(HEAD + "      - advise: {buffer: a, location: disk}\n"));
        String syntax = error("name: t\nprocesses: [\n");
        assertEquals("w.yaml:3: not valid YAML or JSON", syntax.substring(0, syntax.indexOf(':', 12)));
    }

    @Test
    void rangesBufferSizesAndPeersAreCheckedBeforeAnythingRuns() {
        assertEquals("w.yaml:7: expected 'offset' and 'length' inside the 8192-byte buffer 'a'; offset 4096 and length 8192 are not",
                error(HEAD + "      - mmap: {as: a, size: 8k}\n      - write: {to: a, offset: 4k, length: 8k}\n"));
        assertEquals("w.yaml:7: expected 'offset' and 'length' inside the 8192-byte buffer 'a'; offset 8192 are not",
                error(HEAD + "      - mmap: {as: a, size: 8k}\n      - read: {from: a, offset: 8k}\n"));
        assertEquals("w.yaml:7: expected 'length': at least 1 byte",
                error(HEAD + "      - mmap: {as: a, size: 8k}\n      - gpu-write: {to: a, length: 0}\n"));
        assertEquals("w.yaml:7: expected a buffer of at least 64k for 'gna-infer'; 'a' has 16384 bytes", error(HEAD.replace("xe0", "gna0")
                + "      - mmap: {as: a, size: 16k}\n      - gna-infer: {buffer: a, inputs: 4, outputs: 4}\n"));
        assertEquals("w.yaml:6: expected 'peer': a habana device; gna0 is a gna device",
                error(HEAD.replace("xe0", "habana0") + "      - habana-share: {size: 4k, peer: gna0}\n"));
        assertEquals("w.yaml:6: expected 'peer': a configured device (see dev:list), not 'habana7'",
                error(HEAD.replace("xe0", "habana0") + "      - habana-share: {size: 4k, peer: habana7}\n"));
        assertEquals("w.yaml:7: expected 'offset' and 'length' inside the 4194304-byte buffer 'h'; offset 8388608 are not",
                error(HEAD.replace("xe0", "panfrost0") + "      - heap: {as: h, size: 4m}\n      - gpu-write: {to: h, offset: 8m}\n"));
        assertEquals("w.yaml:6: expected each key once; 'size' is given twice", error(HEAD + "      - mmap: {as: a, size: 8k, size: 4k}\n"));
        assertEquals("w.yaml:2: expected each key once; 'name' is given twice", error("name: t\nname: u\nprocesses: []\n"));
        parse(HEAD.replace("xe0", "habana0") + "      - habana-share: {size: 4k, peer: habana1}\n");
    }

    @Test
    void accessStepsAndRepeatsAreCheckedAndUnrolled() {
        WorkloadFile w = parse(HEAD + "      - mmap: {as: a, size: 64k}\n      - repeat:\n          times: 3\n          steps:\n"
                + "            - access: {buffer: a, by: gpu, pattern: zipf, skew: 1.2, count: 10}\n"
                + "            - write: {to: a, length: 4k}\n");
        assertEquals(7, w.processes.get(0).steps().size());
        assertEquals("access", w.processes.get(0).steps().get(5).kind());
        assertEquals("w.yaml:7: expected 'pattern': one of sequential, strided, random, zipf, hot-cold; not 'spiral'",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - access: {buffer: a, pattern: spiral}\n"));
        assertEquals("w.yaml:7: expected 'stride' only with pattern strided",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - access: {buffer: a, pattern: random, stride: 8k}\n"));
        assertEquals("w.yaml:7: expected 'offset' and 'length' of whole pages (multiples of 4k) for 'access', not 100 and 4096",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - access: {buffer: a, pattern: random, offset: 100, length: 4k}\n"));
        assertEquals("w.yaml:7: expected 'by': cpu or gpu, not 'dsp'",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - access: {buffer: a, pattern: random, by: dsp}\n"));
        assertEquals("w.yaml:7: expected 'hot': a fraction between 0 and 1 (exclusive), not 1.5",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - access: {buffer: a, pattern: hot-cold, hot: 1.5}\n"));
        assertEquals("w.yaml:7: expected 'times': a number from 1 to 1000000, not 0",
                error(HEAD + "      - mmap: {as: a, size: 64k}\n      - repeat: {times: 0, steps: [{write: {to: a}}]}\n"));
        assertEquals("w.yaml:9: expected 'as': a new buffer name; 'b' exists",
                error(HEAD + "      - repeat:\n          times: 2\n          steps:\n            - mmap: {as: b, size: 4k}\n"));
    }

    @Test
    void barriersNeedTwoProcessesWaitingAsOften() {
        String two = "name: t\nprocesses:\n  - name: a\n    steps:\n      - phase: one\n      - barrier: x\n"
                + "  - name: b\n    steps:\n      - barrier: x\n";
        WorkloadFile w = parse(two);
        assertEquals(Map.of("x", 2), w.barriers);
        assertEquals("phase", w.processes.get(0).steps().get(0).kind());
        assertEquals("w.yaml:6: expected barrier 'y' in at least two processes; only a waits there",
                error(two.replace("barrier: x\n  -", "barrier: y\n  -")));
        assertEquals("w.yaml:6: expected every process at barrier 'x' to wait there as often; {a=2, b=1}",
                error(two.replace("      - barrier: x\n  -", "      - barrier: x\n      - barrier: x\n  -")));
        assertEquals("w.yaml:5: expected 'name': letters, digits, '_', '.' or '-', not 'a b'", error(two.replace("phase: one", "phase: a b")));
    }
}
