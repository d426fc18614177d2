"""Times encoding with ZooTokenizers and with Hugging Face tokenizers (the Rust library behind its Python API) on
the same text, in one run, single-threaded, and prints MB/s of UTF-8 input per second of process CPU time (the
machines are shared, so wall time mostly measures the neighbours) with the ratio:

    Tools/.venv/bin/python Tools/bench_unigram_tokenizers.py [--repeats 5] [--bench PATH] [--quick]

The text (about 1 MB) is the training and hard corpora of the tokenizer fixtures, repeated. Two workloads: each line
encoded in its own call, and the whole text in one call. The tokenizers are SentencePiece ones from the fixtures
(the converted SentencePiece model with its Precompiled charsmap, and the Llama-style byte-fallback one). Both
runtimes must give the same ids, or the script stops. The Swift side is the `zoo-tokenizer-bench` product, built in
release mode here unless --bench names a built one. Results also go to stdout as Tools/bench rows.
"""
import argparse
import json
import os
import subprocess
import time
from pathlib import Path

os.environ.setdefault("RAYON_NUM_THREADS", "1")
from tokenizers import Tokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/ZooTokenizersTests/Fixtures"
TOKENIZERS = [("SentencePiece T5 (Precompiled)", "unigram-sentencepiece/tokenizer.json"),
              ("Llama-style byte fallback", "unigram-variants/llama-byte-fallback.json")]


def bench_text(target_bytes):
    training = (ROOT / "Tools/fixtures/training_corpus.txt").read_text(encoding="utf-8").splitlines()
    hard = [text.replace("\n", " ") for text in json.loads((ROOT / "Tools/fixtures/hard_corpus.json").read_text())]
    lines = [line for line in training + hard if line.strip()]
    text, index = [], 0
    while sum(len(line.encode()) + 1 for line in text) < target_bytes:
        text.append(lines[index % len(lines)])
        index += 1
    return "\n".join(text) + "\n"


def python_rates(tokenizer, text, repeats):
    lines = [line for line in text.split("\n") if line]
    megabytes = len(text.encode()) / 1e6
    results = {}
    for name, encode in [("lines", lambda: [i for line in lines for i in tokenizer.encode(line, add_special_tokens=False).ids]),
                         ("whole", lambda: tokenizer.encode(text, add_special_tokens=False).ids)]:
        best, ids = float("inf"), []
        for _ in range(repeats):
            start = time.process_time()
            ids = encode()
            best = min(best, time.process_time() - start)
        results[name] = (megabytes / best, len(ids), sum(ids))
    return results


def zoo_rates(bench, tokenizer_path, text_path, repeats):
    output = subprocess.run([bench, str(tokenizer_path), str(text_path), str(repeats)], check=True,
                            capture_output=True, text=True).stdout
    results = {}
    for line in output.splitlines():
        name, rate, count, total = line.split("\t")
        results[name] = (float(rate), int(count), int(total))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bench", help="a built zoo-tokenizer-bench")
    parser.add_argument("--quick", action="store_true", help="one repeat on 100 kB")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    bench = args.bench
    if bench is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "zoo-tokenizer-bench", "--static-swift-stdlib"],
                       cwd=ROOT, check=True)
        bench = str(ROOT / ".build/release/zoo-tokenizer-bench")
    cache = ROOT / "Tools/.cache"
    cache.mkdir(exist_ok=True)
    text = bench_text(100_000 if args.quick else 1_000_000)
    text_path = cache / "bench_tokenizers.txt"
    text_path.write_text(text, encoding="utf-8")

    rows = []
    for title, path in TOKENIZERS:
        tokenizer = Tokenizer.from_file(str(FIXTURES / path))
        theirs = python_rates(tokenizer, text, repeats)
        ours = zoo_rates(bench, FIXTURES / path, text_path, repeats)
        for workload in ["lines", "whole"]:
            if theirs[workload][1:] != ours[workload][1:]:
                raise SystemExit(f"{title}, {workload}: ids differ (count, sum) {ours[workload][1:]} "
                                 f"vs {theirs[workload][1:]}")
            rows.append((title, workload, ours[workload][0], theirs[workload][0]))

    print(f"Encoding {len(text.encode()) / 1e6:.2f} MB, best of {repeats}, MB/s of input per CPU second")
    print(f"{'tokenizer':<32}{'workload':<12}{'zoo':>10}{'hf tokenizers':>16}{'ratio':>8}")
    for title, workload, zoo, hf in rows:
        print(f"{title:<32}{workload:<12}{zoo:>10.1f}{hf:>16.1f}{zoo / hf:>8.2f}")
    for title, workload, zoo, hf in rows:
        workload_name = "each line alone" if workload == "lines" else "whole text in one call"
        print(f"row\t{title}\t{workload_name}\tMB/s\tzoo\t{zoo:.1f}")
        print(f"row\t{title}\t{workload_name}\tMB/s\thf tokenizers\t{hf:.1f}")


if __name__ == "__main__":
    main()
