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
        widths = [max(len(str(cells[i])) for cells in [header] + lines) for i in range(len(header))]
        print(f"\n## {group}\n")
        print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for cells in lines:
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |")
    if notes:
        print("\nNotes:")
        for note in notes:
            print(f"- {note}")


if __name__ == "__main__":
    main()
