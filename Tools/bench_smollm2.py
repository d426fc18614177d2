"""SmolLM2 rows of Tools/bench: the real SmolLM2-135M-Instruct Q4_1 GGUF in Zoo (its blocks computed in place),
llama.cpp (llama-cpp-python, 2 threads, the same file) and PyTorch (transformers on the dequantized model, float32,
2 threads), measured in turn. The "int8-act" row runs the same Zoo model with `--int8-activations` (llama.cpp's
arithmetic for block weights in decode). GPT-2 with `zoo convert --dtype int8` is in Tools/bench_gpt2.py, beside
its CTranslate2 int8 peer.

    Tools/.venv/bin/python Tools/bench_smollm2.py --zoo .build/release/zoo [--repeats 3] [--quick]

Workloads as for GPT-2: decode = greedy tokens after an 8-token prompt, (time for 129 − time for 1) / 128, each
runtime timing its own steps in its own process; prompt = the forward pass of 128 prompt tokens to the first
token's logits. The prompt is the same deterministic token ids in every runtime (bench_common.prompt_ids).
The SmolLM2 file comes from Tools/fetch-real-models.sh; without it the SmolLM2 rows say n/a.
"""
import time

from bench_common import ROOT, ZooDecoder, arguments, measure_in_turn, prompt_ids, row, zoo_convert

SMOLLM2 = ROOT / "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GROUP = "SmolLM2-135M Q4_1"
PROMPT = 8
NEW = 128
PROMPT_LONG = 128
SMOLLM2_VOCABULARY = 49152


class LlamaCpp:
    """llama.cpp on the same file, loaded once; one decode and one prompt per call."""
    name = "llama.cpp"

    def __init__(self):
        import llama_cpp
        import numpy as np
        self.llama_cpp, self.np = llama_cpp, np
        self.model = llama_cpp.Llama(model_path=str(SMOLLM2), n_threads=2, n_threads_batch=2, n_ctx=512, n_batch=512,
                                     verbose=False)
        self.decode_rate()  # warm-up

    def prompt_seconds(self, count):
        self.model.reset()
        start = time.perf_counter()
        self.model.eval(prompt_ids(count, SMOLLM2_VOCABULARY))
        return time.perf_counter() - start

    def next_token(self):
        # The last position's logits, read in place (Llama.scores is only filled with logits_all, which would
        # compute the output head for every prompt position).
        logits = self.llama_cpp.llama_get_logits_ith(self.model.ctx, -1)
        return int(self.np.argmax(self.np.ctypeslib.as_array(logits, shape=(SMOLLM2_VOCABULARY,))))

    def decode_rate(self):
        self.model.reset()
        self.model.eval(prompt_ids(PROMPT, SMOLLM2_VOCABULARY))
        token = self.next_token()
        start = time.perf_counter()
        for _ in range(NEW):
            self.model.eval([token])
            token = self.next_token()
        return NEW / (time.perf_counter() - start)

    def measure(self, results):
        results.setdefault(f"decode {PROMPT}+{NEW}", []).append(self.decode_rate())
        results.setdefault(f"prompt {PROMPT_LONG}", []).append(self.prompt_seconds(PROMPT_LONG) * 1000)


class Torch:
    """transformers on the dequantized model, loaded once; one decode and one prompt per call."""
    name = "pytorch"

    def __init__(self):
        import torch
        from transformers import AutoModelForCausalLM
        torch.set_num_threads(2)
        self.torch = torch
        self.model = AutoModelForCausalLM.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name,
                                                          dtype=torch.float32).eval()

    def run(self, count, tokens):
        ids = self.torch.tensor([prompt_ids(count, SMOLLM2_VOCABULARY)])
        with self.torch.no_grad():
            start = time.perf_counter()
            self.model.generate(ids, attention_mask=self.torch.ones_like(ids), max_new_tokens=tokens,
                                min_new_tokens=tokens, do_sample=False, pad_token_id=0)
            return time.perf_counter() - start

    def measure(self, results):
        one = self.run(PROMPT, 1)
        results.setdefault(f"decode {PROMPT}+{NEW}", []).append(NEW / (self.run(PROMPT, NEW + 1) - one))
        results.setdefault(f"prompt {PROMPT_LONG}", []).append(self.run(PROMPT_LONG, 1) * 1000)


def main():
    args = arguments(__doc__)
    if not SMOLLM2.exists():
        for runtime in ("zoo q4_1", "zoo q4_1 int8-act", "llama.cpp", "pytorch"):
            row(GROUP, f"decode {PROMPT}+{NEW}", "tok/s", runtime, None,
                f"{SMOLLM2.name} is missing: run Tools/fetch-real-models.sh")
        return
    zoo_convert(args.zoo, SMOLLM2, "smollm2-q4_1")
    measures = [ZooDecoder(args.zoo, "smollm2-q4_1", "zoo q4_1", [PROMPT_LONG], PROMPT, NEW, load=False),
                ZooDecoder(args.zoo, "smollm2-q4_1", "zoo q4_1 int8-act", [PROMPT_LONG], PROMPT, NEW,
                           ["--int8-activations"], load=False)]
    try:
        measures.append(LlamaCpp())
    except ImportError:
        for workload, unit in ((f"decode {PROMPT}+{NEW}", "tok/s"), (f"prompt {PROMPT_LONG}", "ms")):
            row(GROUP, workload, unit, "llama.cpp", None, "llama-cpp-python is not installed")
    measures.append(Torch())
    measure_in_turn(GROUP, "SmolLM2", measures, args.repeats)


if __name__ == "__main__":
    main()
