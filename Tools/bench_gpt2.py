"""Times greedy decoding of a GPT-2 124M-shaped random checkpoint in PyTorch and in `zoo generate`, in one run.

    Tools/.venv/bin/python Tools/bench_gpt2.py [--new-tokens 128]

The checkpoint (random weights of the real configuration, with the real GPT-2 vocabulary from the tokenizer
fixtures) is built once into Tools/.cache/gpt2-124m-random and converted into a zoo under Tools/.cache/zoo.
Decode speed is measured as (time for N+1 new tokens - time for 1) / N, so prompt processing is excluded.
"""
import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "Tools/.cache"
MODEL = CACHE / "gpt2-124m-random"
ZOO = CACHE / "zoo"
VOCAB = ROOT / "Tests/ZooTokenizersTests/Fixtures/gpt2"
PROMPT_IDS = [464, 2068, 7586, 21831, 18045, 625, 262, 16931]  # "The quick brown fox jumps over the lazy"


def build_model():
    if (MODEL / "model.safetensors").exists():
        return
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    model.save_pretrained(MODEL, safe_serialization=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copy(VOCAB / name, MODEL / name)


def torch_seconds(model, new_tokens):
    ids = torch.tensor([PROMPT_IDS])
    mask = torch.ones_like(ids)
    with torch.no_grad():
        start = time.perf_counter()
        model.generate(ids, attention_mask=mask, max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                       do_sample=False, pad_token_id=50256)
        return time.perf_counter() - start


def zoo_seconds(zoo, new_tokens):
    prompt = "The quick brown fox jumps over the lazy"
    start = time.perf_counter()
    subprocess.run([zoo, "generate", "gpt2-124m-random", prompt, "--max-new-tokens", str(new_tokens), "--json",
                    "--zoo", str(ZOO)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def decode_rate(measure, new_tokens, repeats=3):
    one = min(measure(1) for _ in range(repeats))
    full = min(measure(new_tokens + 1) for _ in range(repeats))
    return new_tokens / (full - one)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--new-tokens", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(2)
    build_model()
    subprocess.run(["swift", "build", "-c", "release", "--product", "zoo"], cwd=ROOT, check=True)
    zoo = str(ROOT / ".build/release/zoo")
    if not (ZOO / "gpt2-124m-random").exists():
        subprocess.run([zoo, "convert", str(MODEL), "--name", "gpt2-124m-random", "--zoo", str(ZOO)], check=True)

    model = GPT2LMHeadModel.from_pretrained(MODEL).eval()
    rows = [("PyTorch (2 threads)", decode_rate(lambda n: torch_seconds(model, n), args.new_tokens)),
            ("zoo generate", decode_rate(lambda n: zoo_seconds(zoo, n), args.new_tokens))]
    print(f"GPT-2 124M (random weights), greedy decode of {args.new_tokens} tokens after an 8-token prompt")
    print(f"{'runtime':<22}{'tok/s':>10}{'ratio':>10}")
    for name, rate in rows:
        print(f"{name:<22}{rate:>10.1f}{rate / rows[0][1]:>10.2f}")


if __name__ == "__main__":
    main()
