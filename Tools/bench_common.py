"""What the Tools/bench_*.py scripts share: their command line, the result rows Tools/bench reads (the format is
described at the top of Tools/bench), the benchmark checkpoints in Tools/.cache/bench, and timing helpers."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "Tools/.cache/bench"
ZOO_DIR = BENCH / "zoo"
GPT2_VOCAB = ROOT / "Tests/ZooTokenizersTests/Fixtures/gpt2"  # the real GPT-2 vocab.json and merges.txt
BERT_VOCAB = ROOT / "Tools/.cache/real/all-MiniLM-L6-v2"     # bert-base-uncased's vocab.txt / tokenizer.json


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--zoo", required=True, help="the release `zoo` binary")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repeat, short workloads")
    args = parser.parse_args()
    if args.quick:
        args.repeats = 1
    return args


def log(message):
    print(message, file=sys.stderr, flush=True)


def row(group, workload, unit, runtime, values, note=""):
    """Prints one result row: the median of `values` (a number or a list), or n/a with `note` as the reason."""
    if values is None or values == []:
        print(f"row\t{group}\t{workload}\t{unit}\t{runtime}\tn/a\t{note}", flush=True)
        return
    values = values if isinstance(values, list) else [values]
    median = statistics.median(values)
    if len(values) > 1 and not note:
        spread = (max(values) - min(values)) / median * 100 if median else 0
        note = f"median of {len(values)}, spread {spread:.0f}%"
    print(f"row\t{group}\t{workload}\t{unit}\t{runtime}\t{median:.4g}\t{note}", flush=True)


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure_in_turn(group, label, measures, repeats):
    """Runs `measure.measure(results)` for every measure (an object with a `name`), repeat after repeat, going round
    all of them in turn so that a change in the machine's load touches each alike; then prints a row per workload
    each recorded: tok/s for decode, GB/s for the read bandwidth, ms otherwise.
    A measure listed twice runs twice a round, into the same results (the read bandwidth, on both sides of the
    decode it bounds)."""
    results = {measure.name: {} for measure in measures}
    for repeat in range(repeats):
        for measure in measures:
            log(f"{label}: {measure.name}, repeat {repeat + 1} of {repeats}")
            time.sleep(0.5)  # lets the previous runtime's worker threads stop spinning
            measure.measure(results[measure.name])
    for name in results:
        for workload, values in results[name].items():
            unit = "tok/s" if workload.startswith("decode") else "GB/s" if workload == "read bandwidth" else "ms"
            note = "one load, warm page cache" if workload.startswith("load") and len(values) == 1 else ""
            row(group, workload, unit, name, values, note)


class ZooDecoder:
    """`zoo bench` on a decoder of the benchmark zoo, one repeat per call (each its own process, after one untimed
    run): decode of `new` tokens after `prompt`, the load to first token when `load`, and a prompt of each of
    `lengths`; `options` are more `zoo bench` flags (--int8-activations)."""

    def __init__(self, zoo, model, name, lengths, prompt, new, options=(), load=True):
        self.zoo, self.model, self.name, self.lengths = zoo, model, name, lengths
        self.prompt, self.new, self.options, self.load = prompt, new, list(options), load

    def measure(self, results):
        figures = zoo_json(self.zoo, "bench", self.model, "--prompt-tokens", str(self.prompt), "--new-tokens",
                           str(self.new), "--repeats", "1", *self.options, *([] if self.load else ["--skip-load"]))
        results.setdefault(f"decode {self.prompt}+{self.new}", []).extend(figures["decode_tok_per_s"])
        if self.load:
            results.setdefault("load to first token", []).extend(figures["load_ms"])
        for length in self.lengths:
            figures = zoo_json(self.zoo, "bench", self.model, "--prompt-tokens", str(length), "--new-tokens", "0",
                               "--repeats", "1", "--skip-load", *self.options)
            results.setdefault(f"prompt {length}", []).extend(figures["prompt_ms"])


def zoo_json(zoo, *args):
    """Runs `zoo <args> --zoo Tools/.cache/bench/zoo` and returns its JSON output."""
    result = subprocess.run([zoo, *args, "--zoo", str(ZOO_DIR)], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def zoo_convert(zoo, source, name, dtype=None):
    """Converts a Hugging Face folder into the benchmark zoo once, then leaves its weights in the page cache as a
    user's zoo has them after `zoo convert`: the converter drops the pages it wrote, and the first load reads them
    back through the loader's mapping, in 2 MB pages. A model converted by an older zoo, or whose pages were read in
    some other way, would otherwise be measured with 4 KB pages (slower loads and decode). The first load here is
    not timed."""
    weights = ZOO_DIR / name / "weights.h5"
    if not weights.exists():
        command = [zoo, "convert", str(source), "--name", name, "--zoo", str(ZOO_DIR), "--force"]
        if dtype:
            command += ["--dtype", dtype]
        log(f"converting {source.name} into the benchmark zoo as {name}")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    descriptor = os.open(weights, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)
    zoo_json(zoo, "bench", name, "--repeats", "1", "--new-tokens", "0", "--skip-load")


def ct2_convert(source, quantization):
    """Converts a Hugging Face folder with CTranslate2's own converter once; returns the output folder."""
    target = BENCH / f"{source.name}-ct2-{quantization}"
    if not (target / "model.bin").exists():
        log(f"converting {source.name} for CTranslate2 ({quantization})")
        converter = Path(sys.executable).parent / "ct2-transformers-converter"
        subprocess.run([str(converter), "--model", str(source), "--output_dir", str(target), "--quantization",
                        quantization, "--force"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return target


def peak_rss_mb(command):
    """Runs `command` to completion and returns its peak resident memory in MB. It runs under /usr/bin/time, a small
    process: a child forked straight from this one would count this process's memory (the peers loaded here) in its
    peak, which survives exec."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command], check=True,
                       stdout=subprocess.DEVNULL)
        return int(report.read().split()[-1]) * 1024 / 1e6


def copy_files(source_folder, target_folder, names):
    for name in names:
        if (source_folder / name).exists():
            shutil.copy(source_folder / name, target_folder / name)


def prompt_ids(count, vocabulary):
    """The same deterministic prompt `zoo bench` uses."""
    return [((i + 1) * 7919) % min(vocabulary, 50_000) for i in range(count)]
