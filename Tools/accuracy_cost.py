"""The accuracy cost of each reduced-precision format Zoo stores: top-1 agreement with float32 and the change of
perplexity over a 500-token text, teacher-forced.

    Tools/.venv/bin/python Tools/accuracy_cost.py [--tokens 500] [--gpt2] [--minilm]

A format's cost is the cost of rounding the weights: Zoo computes every format in float32 from the decoded weights
(the block kernels differ from "decode, then multiply" only in summation order, which the ZooTensor tests bound), so
the model here is transformers' float32 model with each weight matrix replaced by its value after a round trip
through the format. The block types round trip through the `gguf` package's quantizer, which writes the same blocks
as Zoo's (`Tensor.converted(to:)`, Formats/zoo-checkpoint-v1.md 3.4.1); bfloat16 rounds to nearest even as Zoo does.
As `zoo convert --dtype` does, the block types quantize the matrices (two dimensions, rows of whole blocks) and leave
norms and biases in float32.

The int8-activation rows (`--int8-activations`, llama.cpp's arithmetic) take the weights of their format's row and
also quantize the input of every block-type matrix product as Zoo and ggml do (per 32 values: d = max|x|/127 as
float16, q = round(x·127/max|x|) to nearest even; for q4_1 weights the offsets multiply s = d·Σq as float16): the
product with the float32 weight of q·d equals the integer block dot products up to float32 rounding (the q4_1
offsets that multiply s's float16 rounding come from quantizing the weight again). Every position is quantized, as
Zoo's decode path does one token at a time. SmolLM2's row keeps the weights as shipped (Q4_1, the embedding and
tied head Q8_0), so its cost is that of the activations alone; GPT-2's takes the q8_0 row's weights.

The bfloat16-activation row (`--bf16-activations`) takes the bfloat16 row's weights and rounds the input of every
matrix product to bfloat16 (to nearest even), as Zoo's bfloat16 dot products do for products of several rows, which
a teacher-forced pass is; everything else stays float32, and the products' sums float32 (ZooTensor's
BFloat16ProductTests bound Zoo's to float32 rounding).

Models: SmolLM2-135M-Instruct, whose float32 model is the shipped Q4_1 GGUF dequantized (the unquantized original is
not available here, so "q4_1 as shipped" costs nothing against it by construction, and q4_0 and q4_1 are re-roundings
of weights that already lie on a 4-bit grid); with --gpt2, also the GPT-2 124M random checkpoint of
Tools/bench_gpt2.py (random weights: only the agreement means something, its perplexity is that of noise).

The text: Formats/zoo-checkpoint-v1.md of this repository, the first --tokens tokens (plus one); not the README,
whose figures would then move with every edit of the README.

With --minilm, also the encoder all-MiniLM-L6-v2 (its real weights, Tools/fetch-real-models.sh): the cosine of each
sentence embedding (mean-pooled over the tokens, as sentence-transformers does) to the float32 model's, for the first
200 sentences of the same text, with bfloat16 weights, with bfloat16 activations as above, and for comparison
PyTorch's own bfloat16 model (every activation bfloat16).
"""
import argparse
import math
from pathlib import Path

import gguf
import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.pytorch_utils import Conv1D

ROOT = Path(__file__).resolve().parent.parent
SMOLLM2 = ROOT / "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GPT2 = ROOT / "Tools/.cache/bench/gpt2-124m"  # built by Tools/bench_gpt2.py
MINILM = ROOT / "Tools/.cache/real/all-MiniLM-L6-v2"
FORMATS = ["bfloat16", "q8_0", "q4_1", "q4_0"]
BLOCK_TYPES = {"q8_0": gguf.GGMLQuantizationType.Q8_0, "q4_0": gguf.GGMLQuantizationType.Q4_0,
               "q4_1": gguf.GGMLQuantizationType.Q4_1}


def text():
    return (ROOT / "Formats/zoo-checkpoint-v1.md").read_text()


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


def quantize_activations(x):
    """ggml's x86 activation quantizer over the last dimension: the dequantized values q·d (d as float16), and per
    block q8_1's s (d·Σq as float16) minus the s the dequantized values have, d·Σq with d as float16."""
    blocks = x.reshape(*x.shape[:-1], -1, 32)
    amax = blocks.abs().amax(-1, keepdim=True)
    d = amax / 127
    inverse = torch.where(amax != 0, 127 / amax, torch.zeros_like(amax))
    q = torch.round(blocks * inverse)  # ties to even, as _mm256_round_ps(_MM_ROUND_NEAREST)
    d16 = d.half().float()
    sums = q.sum(-1)
    s_error = (d[..., 0] * sums).half().float() - d16[..., 0] * sums
    return (q * d16).reshape(x.shape), s_error


def block_offsets(weight, fmt):
    """q4_1's per-block offsets m [outputs, blocks] of `weight` [outputs, inputs] (float32), else None."""
    if fmt != "q4_1":
        return None
    values = weight.detach().numpy().astype(np.float32)
    raw = gguf.quants.quantize(values, BLOCK_TYPES[fmt]).reshape(values.shape[0], -1, 20)
    return torch.from_numpy(raw[:, :, 2:4].copy().view(np.float16)[:, :, 0].astype(np.float32))


def int8_activation_hooks(model, formats):
    """Hooks that quantize the inputs of the modules whose weights are block-type matrices, `formats` mapping
    their parameter names to their types."""
    parameters = dict(model.named_parameters())
    quantized = {id(parameters[name]): fmt for name, fmt in formats.items()}  # a tied head is its embedding
    handles = []
    for module in model.modules():
        if not isinstance(module, (torch.nn.Linear, Conv1D)) or id(module.weight) not in quantized:
            continue
        fmt = quantized[id(module.weight)]
        # Conv1D keeps its weight [in, out]; the blocks run along the input dimension either way.
        weight = module.weight.t() if isinstance(module, Conv1D) else module.weight
        if weight.shape[-1] % 32:
            continue
        offsets = block_offsets(weight, fmt)
        corrections = []

        def pre(module, inputs, offsets=offsets, corrections=corrections):
            values, s_error = quantize_activations(inputs[0])
            if offsets is not None:
                corrections.append(s_error @ offsets.t())
            return (values,)

        def post(module, inputs, output, corrections=corrections):
            return output + corrections.pop() if corrections else output

        handles.append(module.register_forward_pre_hook(pre))
        handles.append(module.register_forward_hook(post))
    return handles


def bfloat16_activation_hooks(model):
    """Hooks that round the input of every matrix product to bfloat16."""
    def pre(module, inputs):
        return (round_trip(inputs[0], "bfloat16"),)
    return [module.register_forward_pre_hook(pre) for module in model.modules()
            if isinstance(module, (torch.nn.Linear, Conv1D))]


def logits_of(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].float()


def measure(model, ids, label, int8_rows):
    """The float32 model's perplexity, and each format's agreement and perplexity change. `int8_rows` are
    (format, shipped) pairs: a row with int8 activations over that format's weights, or with `shipped` (a dict of
    the parameters' types in the file the model was read from) over the weights as they are. A last row takes
    bfloat16 weights and bfloat16 activations."""
    originals = {name: p.detach().clone() for name, p in model.named_parameters()}
    reference = logits_of(model, ids[:-1])
    targets = torch.tensor(ids[1:])

    def perplexity(logits):
        return math.exp(torch.nn.functional.cross_entropy(logits, targets).item())

    base = perplexity(reference)
    rows = [(f"{label} float32", 1.0, base, 0.0)]
    variants = ([(fmt, None, None) for fmt in FORMATS] + [(f, "int8", s) for f, s in int8_rows]
                + [("bfloat16", "bfloat16", None)])
    for fmt, activations, shipped in variants:
        names = quantized_names(model, fmt)
        with torch.no_grad():
            for name in names if shipped is None else []:
                dict(model.named_parameters())[name].copy_(round_trip(originals[name], fmt))
        formats = shipped or {name: fmt for name in names}
        handles = (int8_activation_hooks(model, formats) if activations == "int8"
                   else bfloat16_activation_hooks(model) if activations == "bfloat16" else [])
        logits = logits_of(model, ids[:-1])
        for handle in handles:
            handle.remove()
        agreement = (logits.argmax(-1) == reference.argmax(-1)).float().mean().item()
        ppl = perplexity(logits)
        name = (f"{label} {fmt}" + (" as shipped" if shipped else "")
                + (f" + {activations} activations" if activations else ""))
        rows.append((name, agreement, ppl, (ppl - base) / base * 100))
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(originals[name])
    return rows


def sentences(count):
    """The first `count` sentences of the text of five words or more."""
    found = []
    for line in text().splitlines():
        for sentence in line.replace("? ", ". ").split(". "):
            if len(sentence.split()) >= 5:
                found.append(sentence.strip())
    return found[:count]


def minilm_rows():
    """(variant, least cosine, mean cosine) of the MiniLM sentence embeddings against float32's."""
    from transformers import AutoModel
    tokenizer = AutoTokenizer.from_pretrained(MINILM)
    model = AutoModel.from_pretrained(MINILM, dtype=torch.float32).eval()
    texts = sentences(200)

    def embeddings(model):
        vectors = []
        with torch.no_grad():
            for sentence in texts:
                inputs = tokenizer(sentence, return_tensors="pt", truncation=True, max_length=256)
                hidden = model(**inputs).last_hidden_state[0].float()
                vectors.append(torch.nn.functional.normalize(hidden.mean(0), dim=0))
        return torch.stack(vectors)

    reference = embeddings(model)
    rows = []
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(round_trip(p, "bfloat16"))
    rows.append(("bfloat16 weights", embeddings(model)))
    handles = bfloat16_activation_hooks(model)
    rows.append(("bfloat16 weights + bfloat16 activations", embeddings(model)))
    for handle in handles:
        handle.remove()
    bf16 = AutoModel.from_pretrained(MINILM, dtype=torch.bfloat16).eval()
    rows.append(("PyTorch's bfloat16 model", embeddings(bf16)))
    return [(label, (vectors * reference).sum(1).min().item(), (vectors * reference).sum(1).mean().item())
            for label, vectors in rows], len(texts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--gpt2", action="store_true")
    parser.add_argument("--minilm", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)

    rows = []
    if not SMOLLM2.exists():
        raise SystemExit(f"{SMOLLM2} is missing: run Tools/fetch-real-models.sh first")
    tokenizer = AutoTokenizer.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name)
    model = AutoModelForCausalLM.from_pretrained(str(SMOLLM2.parent), gguf_file=SMOLLM2.name,
                                                 dtype=torch.float32).eval()
    ids = tokenizer(text(), add_special_tokens=False)["input_ids"][:args.tokens + 1]
    # The file's matrices are Q4_1 but for the token embedding (the tied output head), which is Q8_0.
    shipped = {name: "q8_0" if name.endswith("embed_tokens.weight") else "q4_1"
               for name in quantized_names(model, "q4_1")}
    rows += measure(model, ids, "SmolLM2-135M", [("q4_1", shipped)])
    if args.gpt2:
        if not (GPT2 / "model.safetensors").exists():
            raise SystemExit(f"{GPT2} is missing: run Tools/bench_gpt2.py once to build it")
        model = AutoModelForCausalLM.from_pretrained(GPT2, dtype=torch.float32).eval()
        ids = AutoTokenizer.from_pretrained(GPT2)(text())["input_ids"][:args.tokens + 1]
        rows += measure(model, ids, "GPT-2 124M (random)", [("q8_0", None)])

    print(f"| model, format | top-1 agreement with float32 ({args.tokens} tokens) | perplexity | change |")
    print("|---|---|---|---|")
    for label, agreement, ppl, change in rows:
        print(f"| {label} | {agreement * 100:.1f}% | {ppl:.3f} | {change:+.2f}% |")
    if args.minilm:
        if not (MINILM / "model.safetensors").exists():
            raise SystemExit(f"{MINILM} is missing: run Tools/fetch-real-models.sh first")
        rows, count = minilm_rows()
        print(f"\n| all-MiniLM-L6-v2, {count} sentences | least cosine to float32 | mean cosine |")
        print("|---|---|---|")
        for label, least, mean in rows:
            print(f"| {label} | {least:.6f} | {mean:.6f} |")


if __name__ == "__main__":
    main()
