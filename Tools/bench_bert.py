"""BERT-base rows of Tools/bench: the masked-LM forward pass (logits at every position) for batch × length of
1×16, 1×128, 4×128 and 8×128 tokens, in Zoo and PyTorch (float32, 2 threads), measured in turn.

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
    """`zoo bench` on the BERT-base checkpoint, one repeat of every shape per call (each shape its own process, after
    one untimed run)."""
    name = "zoo"

    def __init__(self, zoo, shapes):
        self.zoo, self.shapes = zoo, shapes

    def measure(self, results):
        for batch, length in self.shapes:
            figures = zoo_json(self.zoo, "bench", "bert-base", "--batch", str(batch), "--length", str(length),
                               "--repeats", "1")
            results.setdefault(f"forward {batch}×{length}", []).extend(figures["forward_ms"])


class Torch:
    """transformers' BertForMaskedLM, loaded once; one forward pass of every shape per call, each after one untimed
    pass, as `zoo bench` times them."""
    name = "pytorch"

    def __init__(self, shapes):
        import torch
        from transformers import BertForMaskedLM
        torch.set_num_threads(2)
        self.torch = torch
        self.model = BertForMaskedLM.from_pretrained(MODEL).eval()
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
    measure_in_turn(GROUP, "BERT", [Zoo(args.zoo, shapes), Torch(shapes)], args.repeats)


if __name__ == "__main__":
    main()
