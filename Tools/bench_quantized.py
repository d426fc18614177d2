"""Reduced-precision rows of Tools/bench: the real SmolLM2-135M-Instruct Q4_1 GGUF in Zoo (its blocks computed in
place), llama.cpp (llama-cpp-python, 2 threads, the same file) and PyTorch (transformers on the dequantized model,
float32, 2 threads); and GPT-2 124M converted with `zoo convert --dtype int8` (the CTranslate2 int8 peer is measured
by Tools/bench_gpt2.py in the same group and workloads). The "int8-act" rows run the same Zoo models with
`--int8-activations` (llama.cpp's arithmetic for block weights in decode).

    Tools/.venv/bin/python Tools/bench_quantized.py --zoo .build/release/zoo [--repeats 3] [--quick]

Workloads as for GPT-2: decode = greedy tokens after an 8-token prompt, (time for 129 − time for 1) / 128, each
runtime timing its own steps in its own process; prompt = the forward pass of 128 prompt tokens to the first
token's logits. The prompt is the same deterministic token ids in every runtime (bench_common.prompt_ids).
The SmolLM2 file comes from Tools/fetch-real-models.sh; without it the SmolLM2 rows say n/a.
"""
import time

from bench_common import BENCH, ROOT, arguments, log, prompt_ids, row, zoo_convert, zoo_json

SMOLLM2 = ROOT / "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_GROUP = "SmolLM2-135M Q4_1"
GPT2 = BENCH / "gpt2-124m"  # built by Tools/bench_gpt2.py
GPT2_GROUP = "GPT-2 124M"
PROMPT = 8
NEW = 128
PROMPT_LONG = 128
SMOLLM2_VOCABULARY = 49152


def measure_zoo(zoo, group, name, runtime, repeats, new, *options):
    """Zoo's decode and prompt rows; `options` are extra `zoo bench` flags (--int8-activations)."""
    log(f"{group}: {runtime}")
    figures = zoo_json(zoo, "bench", name, "--prompt-tokens", str(PROMPT), "--new-tokens", str(new),
                       "--repeats", str(repeats), *options)
    row(group, f"decode {PROMPT}+{NEW}", "tok/s", runtime, figures["decode_tok_per_s"])
    figures = zoo_json(zoo, "bench", name, "--prompt-tokens", str(PROMPT_LONG), "--new-tokens", "0",
                       "--repeats", str(repeats), *options)
    row(group, f"prompt {PROMPT_LONG}", "ms", runtime, figures["prompt_ms"])


def measure_llama_cpp(repeats, new):
    log(f"{SMOLLM2_GROUP}: llama.cpp")
    try:
        import llama_cpp
    except ImportError:
        for workload, unit in ((f"decode {PROMPT}+{NEW}", "tok/s"), (f"prompt {PROMPT_LONG}", "ms")):
            row(SMOLLM2_GROUP, workload, unit, "llama.cpp", None, "llama-cpp-python is not installed")
        return
    import numpy as np
    model = llama_cpp.Llama(model_path=str(SMOLLM2), n_threads=2, n_threads_batch=2, n_ctx=512, n_batch=512,
                            verbose=False)

    def prompt_seconds(count):
        model.reset()
        start = time.perf_counter()
        model.eval(prompt_ids(count, SMOLLM2_VOCABULARY))
        return time.perf_counter() - start

    def next_token():
        # The last position's logits, read in place (Llama.scores is only filled with logits_all, which would
        # compute the output head for every prompt position).
        logits = llama_cpp.llama_get_logits_ith(model.ctx, -1)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(SMOLLM2_VOCABULARY,))))

    def decode_rate():
        model.reset()
        model.eval(prompt_ids(PROMPT, SMOLLM2_VOCABULARY))
        token = next_token()
        start = time.perf_counter()
        for _ in range(new):
            model.eval([token])
            token = next_token()
        return new / (time.perf_counter() - start)

    decode_rate()  # warm-up
    row(SMOLLM2_GROUP, f"decode {PROMPT}+{NEW}", "tok/s", "llama.cpp", [decode_rate() for _ in range(repeats)])
    row(SMOLLM2_GROUP, f"prompt {PROMPT_LONG}", "ms", "llama.cpp",
        [prompt_seconds(PROMPT_LONG) * 1000 for _ in range(repeats)])


def measure_torch(repeats, new):
    log(f"{SMOLLM2_GROUP}: pytorch")
    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(2)
    model = AutoModelForCausalLM.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name,
                                                 dtype=torch.float32).eval()

    def run(count, tokens):
        ids = torch.tensor([prompt_ids(count, SMOLLM2_VOCABULARY)])
        with torch.no_grad():
            start = time.perf_counter()
            model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=tokens, min_new_tokens=tokens,
                           do_sample=False, pad_token_id=0)
            return time.perf_counter() - start

    rates = []
    for _ in range(repeats):
        one = run(PROMPT, 1)
        rates.append(new / (run(PROMPT, new + 1) - one))
    row(SMOLLM2_GROUP, f"decode {PROMPT}+{NEW}", "tok/s", "pytorch", rates)
    row(SMOLLM2_GROUP, f"prompt {PROMPT_LONG}", "ms", "pytorch", [run(PROMPT_LONG, 1) * 1000 for _ in range(repeats)])


def main():
    args = arguments(__doc__)
    new = 16 if args.quick else NEW
    if SMOLLM2.exists():
        zoo_convert(args.zoo, SMOLLM2, "smollm2-q4_1")
        measure_zoo(args.zoo, SMOLLM2_GROUP, "smollm2-q4_1", "zoo q4_1", args.repeats, new)
        measure_zoo(args.zoo, SMOLLM2_GROUP, "smollm2-q4_1", "zoo q4_1 int8-act", args.repeats, new,
                    "--int8-activations")
        measure_llama_cpp(args.repeats, new)
        measure_torch(args.repeats, new)
    else:
        for runtime in ("zoo q4_1", "zoo q4_1 int8-act", "llama.cpp", "pytorch"):
            row(SMOLLM2_GROUP, f"decode {PROMPT}+{NEW}", "tok/s", runtime, None,
                f"{SMOLLM2.name} is missing: run Tools/fetch-real-models.sh")
    if (GPT2 / "model.safetensors").exists():
        zoo_convert(args.zoo, GPT2, "gpt2-124m-int8", "int8")
        measure_zoo(args.zoo, GPT2_GROUP, "gpt2-124m-int8", "zoo int8", args.repeats, new)
        measure_zoo(args.zoo, GPT2_GROUP, "gpt2-124m-int8", "zoo int8 int8-act", args.repeats, new,
                    "--int8-activations")
    else:
        for runtime in ("zoo int8", "zoo int8 int8-act"):
            row(GPT2_GROUP, f"decode {PROMPT}+{NEW}", "tok/s", runtime, None,
                "the GPT-2 checkpoint is missing: Tools/bench_gpt2.py builds it")


if __name__ == "__main__":
    main()
