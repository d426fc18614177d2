"""The accuracy cost of each reduced-precision format Zoo stores: top-1 agreement with float32 and the change of
perplexity over a 500-token text, teacher-forced.

    Tools/.venv/bin/python Tools/accuracy_cost.py [--tokens 500] [--gpt2]

A format's cost is the cost of rounding the weights: Zoo computes every format in float32 from the decoded weights
(the block kernels differ from "decode, then multiply" only in summation order, which the ZooTensor tests bound), so
the model here is transformers' float32 model with each weight matrix replaced by its value after a round trip
through the format. The block types round trip through the `gguf` package's quantizer, which writes the same blocks
as Zoo's (`Tensor.converted(to:)`, Formats/zoo-checkpoint-v1.md 3.4.1); bfloat16 rounds to nearest even as Zoo does.
As `zoo convert --dtype` does, the block types quantize the matrices (two dimensions, rows of whole blocks) and leave
norms and biases in float32.

Models: SmolLM2-135M-Instruct, whose float32 model is the shipped Q4_1 GGUF dequantized (the unquantized original is
not available here, so "q4_1 as shipped" costs nothing against it by construction, and q4_0 and q4_1 are re-roundings
of weights that already lie on a 4-bit grid); with --gpt2, also the GPT-2 124M random checkpoint of
Tools/bench_gpt2.py (random weights: only the agreement means something, its perplexity is that of noise).

The text: README.md and Formats/zoo-checkpoint-v1.md of this repository, the first --tokens tokens (plus one).
"""
import argparse
import math
from pathlib import Path

import gguf
import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
SMOLLM2 = ROOT / "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GPT2 = ROOT / "Tools/.cache/gpt2-124m-random"
FORMATS = ["bfloat16", "q8_0", "q4_1", "q4_0"]
BLOCK_TYPES = {"q8_0": gguf.GGMLQuantizationType.Q8_0, "q4_0": gguf.GGMLQuantizationType.Q4_0,
               "q4_1": gguf.GGMLQuantizationType.Q4_1}


def text():
    return (ROOT / "README.md").read_text() + "\n" + (ROOT / "Formats/zoo-checkpoint-v1.md").read_text()


def round_trip(weight, fmt):
    """The float32 values the format stores for `weight` (a float32 tensor)."""
    if fmt == "bfloat16":
        return weight.to(torch.bfloat16).to(torch.float32)
    values = weight.detach().numpy().astype(np.float32)
    blocks = gguf.quants.quantize(values, BLOCK_TYPES[fmt])
    return torch.from_numpy(gguf.quants.dequantize(blocks, BLOCK_TYPES[fmt]).reshape(values.shape).copy())


def quantized_names(model, fmt):
    """The parameters a conversion to `fmt` changes: all of them for bfloat16, the matrices with rows of whole
    blocks for the block types. Tied parameters appear once."""
    names = []
    for name, parameter in model.named_parameters():
        if fmt == "bfloat16" or (parameter.dim() >= 2 and parameter.shape[-1] % 32 == 0):
            names.append(name)
    return names


def logits_of(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].float()


def measure(model, ids, label):
    originals = {name: p.detach().clone() for name, p in model.named_parameters()}
    reference = logits_of(model, ids[:-1])
    targets = torch.tensor(ids[1:])

    def perplexity(logits):
        return math.exp(torch.nn.functional.cross_entropy(logits, targets).item())

    base = perplexity(reference)
    rows = [(f"{label} float32", 1.0, base, 0.0)]
    for fmt in FORMATS:
        with torch.no_grad():
            for name in quantized_names(model, fmt):
                dict(model.named_parameters())[name].copy_(round_trip(originals[name], fmt))
        logits = logits_of(model, ids[:-1])
        agreement = (logits.argmax(-1) == reference.argmax(-1)).float().mean().item()
        ppl = perplexity(logits)
        rows.append((f"{label} {fmt}", agreement, ppl, (ppl - base) / base * 100))
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(originals[name])
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--gpt2", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)

    rows = []
    if not SMOLLM2.exists():
        raise SystemExit(f"{SMOLLM2} is missing: run Tools/fetch-real-models.sh first")
    tokenizer = AutoTokenizer.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name)
    model = AutoModelForCausalLM.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name,
                                                 dtype=torch.float32).eval()
    ids = tokenizer(text(), add_special_tokens=False)["input_ids"][:args.tokens + 1]
    rows += measure(model, ids, "SmolLM2-135M")
    if args.gpt2:
        if not (GPT2 / "model.safetensors").exists():
            raise SystemExit(f"{GPT2} is missing: run Tools/bench_gpt2.py once to build it")
        model = AutoModelForCausalLM.from_pretrained(GPT2, dtype=torch.float32).eval()
        ids = AutoTokenizer.from_pretrained(GPT2)(text())["input_ids"][:args.tokens + 1]
        rows += measure(model, ids, "GPT-2 124M (random)")

    print(f"| model, format | top-1 agreement with float32 ({args.tokens} tokens) | perplexity | change |")
    print("|---|---|---|---|")
    for label, agreement, ppl, change in rows:
        print(f"| {label} | {agreement * 100:.1f}% | {ppl:.3f} | {change:+.2f}% |")


if __name__ == "__main__":
    main()
