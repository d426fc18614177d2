"""BERT-base rows of Tools/bench: the masked-LM forward pass (logits at every position) for batch × length of
1×16, 1×128, 4×128 and 8×128 tokens, in Zoo and PyTorch (2 threads), measured in turn: float32, and bfloat16 weights
with the products' inputs in bfloat16 (Zoo's `--bf16-activations`, which rounds the input of each matrix product and
keeps float32 elsewhere; PyTorch's model in bfloat16, whose every activation is bfloat16).

    Tools/.venv/bin/python Tools/bench_bert.py --zoo .build/release/zoo [--repeats 3] [--quick]

The checkpoint is random weights of BERT-base's configuration (110M) with bert-base-uncased's vocabulary (from the
all-MiniLM-L6-v2 download, Tools/fetch-real-models.sh), built once into Tools/.cache/bench/bert-base.
"""
from bench_common import (BENCH, BERT_VOCAB, arguments, copy_files, log, measure_in_turn, prompt_ids, row, seconds,
                          zoo_convert, zoo_json)

MODEL = BENCH / "bert-base"
GROUP = "BERT-base 110M masked LM"
SHAPES = [(1, 16), (1, 128), (4, 128), (8, 128)]


def build_model():
    if (MODEL / "model.safetensors").exists():
        return
    import torch
    from transformers import BertConfig, BertForMaskedLM
    log("building the random BERT-base checkpoint")
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig()).eval().save_pretrained(MODEL, safe_serialization=True)
    copy_files(BERT_VOCAB, MODEL, ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"])


class Zoo:
    """`zoo bench` on a BERT-base conversion, one repeat of every shape per call (each shape its own process, after
    one untimed run)."""

    def __init__(self, zoo, shapes, name, model, options=()):
        self.zoo, self.shapes, self.name, self.model, self.options = zoo, shapes, name, model, list(options)

    def measure(self, results):
        for batch, length in self.shapes:
            figures = zoo_json(self.zoo, "bench", self.model, "--batch", str(batch), "--length", str(length),
                               "--repeats", "1", *self.options)
            results.setdefault(f"forward {batch}×{length}", []).extend(figures["forward_ms"])


class Torch:
    """transformers' BertForMaskedLM in `dtype`, loaded once; one forward pass of every shape per call, each after one
    untimed pass, as `zoo bench` times them."""

    def __init__(self, shapes, dtype):
        import torch
        from transformers import BertForMaskedLM
        torch.set_num_threads(2)
        self.torch = torch
        self.name = "pytorch" if dtype == torch.float32 else "pytorch bf16"
        self.model = BertForMaskedLM.from_pretrained(MODEL, torch_dtype=dtype).eval()
        # The same ids `zoo bench` runs: sequence b is the shared prompt ids shifted by b.
        self.inputs = {(batch, length): torch.tensor([[(i + b) % 30522 for i in prompt_ids(length, 30522)]
                                                      for b in range(batch)]) for batch, length in shapes}

    def forward(self, ids):
        with self.torch.no_grad():
            self.model(input_ids=ids, attention_mask=self.torch.ones_like(ids))

    def measure(self, results):
        for (batch, length), ids in self.inputs.items():
            self.forward(ids)
            results.setdefault(f"forward {batch}×{length}", []).append(seconds(lambda: self.forward(ids)) * 1000)


def main():
    args = arguments(__doc__)
    shapes = SHAPES[:1] + SHAPES[-1:] if args.quick else SHAPES
    if not (BERT_VOCAB / "vocab.txt").exists():
        for batch, length in shapes:
            row(GROUP, f"forward {batch}×{length}", "ms", "zoo", None, "run Tools/fetch-real-models.sh first")
        return
    build_model()
    zoo_convert(args.zoo, MODEL, "bert-base")
    zoo_convert(args.zoo, MODEL, "bert-base-bf16", "bf16")
    import torch
    measures = [Zoo(args.zoo, shapes, "zoo", "bert-base"),
                Zoo(args.zoo, shapes, "zoo bf16-act", "bert-base-bf16", ["--bf16-activations"]),
                Torch(shapes, torch.float32), Torch(shapes, torch.bfloat16)]
    measure_in_turn(GROUP, "BERT", measures, args.repeats)


if __name__ == "__main__":
    main()
