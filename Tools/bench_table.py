"""Prints the rows of Tools/bench (read from the files given) as one table per group: Zoo's figures, each peer's,
and Zoo's speed-up over each peer (above 1: Zoo is faster, or smaller for memory)."""
import sys
from collections import OrderedDict

HIGHER_IS_BETTER = {"tok/s", "MB/s", "GB/s"}


def read_rows(paths):
    groups = OrderedDict()
    for path in paths:
        with open(path) as file:
            for line in file:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 6 or fields[0] != "row":
                    continue
                _, group, workload, unit, runtime, value = fields[:6]
                note = fields[6] if len(fields) > 6 else ""
                number = None if value == "n/a" else float(value)
                groups.setdefault(group, OrderedDict()).setdefault((workload, unit), []).append((runtime, number, note))
    return groups


def ratio(zoo, peer, unit):
    if zoo is None or peer is None or zoo == 0 or peer == 0:
        return None
    return zoo / peer if unit in HIGHER_IS_BETTER else peer / zoo


def figure(value):
    return "n/a" if value is None else f"{value:.4g}"


# The performance issue's targets, checked against the rows of this run: (what, group, workload, Zoo's runtime,
# peer, least ratio). The ratio to the read-bandwidth bound is the share of the bound that decode reached.
RATIO_TARGETS = [
    ("GPT-2 float32 decode, CTranslate2 float32", "GPT-2 124M", "decode 8+128", "zoo", "ct2 float32", 1.5),
    ("GPT-2 float32 decode, PyTorch", "GPT-2 124M", "decode 8+128", "zoo", "pytorch", 2.5),
    ("GPT-2 float32 decode, of the read-bandwidth bound", "GPT-2 124M", "decode 8+128", "zoo",
     "f32 read-bandwidth bound", 0.8),
    ("GPT-2 Q8_0 decode, CTranslate2 int8", "GPT-2 124M", "decode 8+128", "zoo int8", "ct2 int8", 1.5),
    ("SmolLM2 Q4_1 decode, llama.cpp", "SmolLM2-135M Q4_1", "decode 8+128", "zoo q4_1", "llama.cpp", 1.5),
    ("SmolLM2 Q4_1 decode with int8 activations (llama.cpp's arithmetic), llama.cpp", "SmolLM2-135M Q4_1",
     "decode 8+128", "zoo q4_1 int8-act", "llama.cpp", 1.5),
    ("SmolLM2 Q4_1 prompt 128, llama.cpp", "SmolLM2-135M Q4_1", "prompt 128", "zoo q4_1", "llama.cpp", 1.0),
    ("BERT-base 1×16, PyTorch", "BERT-base 110M masked LM", "forward 1×16", "zoo", "pytorch", 3.0),
    ("BERT-base 8×128, PyTorch", "BERT-base 110M masked LM", "forward 8×128", "zoo", "pytorch", 1.5),
    # The same ratios for bfloat16 weights with bfloat16 inputs to the products, against either PyTorch model.
    ("BERT-base 1×16 bf16-act, PyTorch float32", "BERT-base 110M masked LM", "forward 1×16", "zoo bf16-act", "pytorch",
     3.0),
    ("BERT-base 8×128 bf16-act, PyTorch float32", "BERT-base 110M masked LM", "forward 8×128", "zoo bf16-act",
     "pytorch", 1.5),
    ("BERT-base 1×16 bf16-act, PyTorch bfloat16", "BERT-base 110M masked LM", "forward 1×16", "zoo bf16-act",
     "pytorch bf16", 3.0),
    ("BERT-base 8×128 bf16-act, PyTorch bfloat16", "BERT-base 110M masked LM", "forward 8×128", "zoo bf16-act",
     "pytorch bf16", 1.5),
    ("byte-level BPE, Hugging Face tokenizers", "Tokenizers, 1 MB of mixed text", "byte-level BPE (GPT-2)", "zoo",
     "hf tokenizers", 1.0),
    ("WordPiece, Hugging Face tokenizers", "Tokenizers, 1 MB of mixed text", "WordPiece (bert-base-uncased)", "zoo",
     "hf tokenizers", 1.0),
]
LOAD_LIMIT_MS = 100


def measured(groups, group, workload):
    """{runtime: (value, note)} of one workload, whatever its unit."""
    for (name, unit), results in groups.get(group, {}).items():
        if name == workload:
            return unit, {runtime: (value, note) for runtime, value, note in results}
    return None, {}


def target_lines(groups):
    """[target, this run, met] for every target; a target whose rows this run lacks says so."""
    lines = []
    for what, group, workload, runtime, peer, least in RATIO_TARGETS:
        unit, results = measured(groups, group, workload)
        r = ratio(results.get(runtime, (None,))[0], results.get(peer, (None,))[0], unit)
        shown = (lambda x: f"{x:.0%}") if peer.endswith("bound") else (lambda x: f"{x:.2f}×")
        lines.append([f"{what}: at least {shown(least)}", "not measured" if r is None else shown(r),
                      "" if r is None else "yes" if r >= least else "no"])
    _, results = measured(groups, "GPT-2 124M", "load to first token")
    load = results.get("zoo", (None,))[0]
    lines.append([f"GPT-2 float32 load to first token: under {LOAD_LIMIT_MS} ms",
                  "not measured" if load is None else f"{load:.1f} ms",
                  "" if load is None else "yes" if load < LOAD_LIMIT_MS else "no"])
    _, results = measured(groups, "GPT-2 124M", "peak memory, generating 8+128")
    for runtime, (value, note) in results.items():
        if runtime.startswith("zoo") and value is not None and "budget" in note:
            budget = float(note.rsplit("=", 1)[1].split()[0])
            lines.append([f"GPT-2 peak memory ({runtime}): at most weights + 20% + KV cache, {budget:g} MB",
                          f"{value:.0f} MB", "yes" if value <= budget else "no"])
    return lines


def print_table(header, lines):
    widths = [max(len(str(cells[i])) for cells in [header] + lines) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in lines:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |")


def main():
    groups = read_rows(sys.argv[1:])
    notes = []
    for group, workloads in groups.items():
        peers = []
        for results in workloads.values():
            for runtime, _, _ in results:
                if not runtime.startswith("zoo") and runtime not in peers:
                    peers.append(runtime)
        header = ["workload", "unit", "zoo runtime", "zoo"] + [f"{peer} (zoo ×)" for peer in peers]
        lines = []
        for (workload, unit), results in workloads.items():
            measured = {runtime: value for runtime, value, _ in results}
            for runtime, value, note in results:
                if note and ("n/a" == figure(value) or "budget" in note):
                    notes.append(f"{group} / {workload} / {runtime}: {note}")
            for runtime, value, _ in results:
                if not runtime.startswith("zoo"):
                    continue
                cells = [workload, unit, runtime, figure(value)]
                for peer in peers:
                    if peer not in measured:
                        cells.append("")
                        continue
                    r = ratio(value, measured[peer], unit)
                    cells.append(f"{figure(measured[peer])} ({r:.2f}×)" if r else figure(measured[peer]))
                lines.append(cells)
            if not any(runtime.startswith("zoo") for runtime, _, _ in results):
                lines.append([workload, unit, "-", "n/a"] + [figure(measured.get(peer)) for peer in peers])
        print(f"\n## {group}\n")
        print_table(header, lines)
    print("\n## Targets of the performance issue, in this run\n")
    print_table(["target", "this run", "met"], target_lines(groups))
    if notes:
        print("\nNotes:")
        for note in notes:
            print(f"- {note}")


if __name__ == "__main__":
    main()
