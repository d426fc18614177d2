"""BERT-base rows of Tools/bench: the masked-LM forward pass (logits at every position) for batch × length of
1×16, 1×128, 4×128 and 8×128 tokens, in Zoo and PyTorch (float32, 2 threads).

    Tools/.venv/bin/python Tools/bench_bert.py --zoo .build/release/zoo [--repeats 3] [--quick]

The checkpoint is random weights of BERT-base's configuration (110M) with bert-base-uncased's vocabulary (from the
all-MiniLM-L6-v2 download, Tools/fetch-real-models.sh), built once into Tools/.cache/bench/bert-base.
"""
from bench_common import BENCH, BERT_VOCAB, arguments, copy_files, log, prompt_ids, row, seconds, zoo_convert, zoo_json

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


def main():
    args = arguments(__doc__)
    shapes = SHAPES[:1] + SHAPES[-1:] if args.quick else SHAPES
    if not (BERT_VOCAB / "vocab.txt").exists():
        for batch, length in shapes:
            row(GROUP, f"forward {batch}×{length}", "ms", "zoo", None, "run Tools/fetch-real-models.sh first")
        return
    build_model()
    zoo_convert(args.zoo, MODEL, "bert-base")
    import torch
    from transformers import BertForMaskedLM
    torch.set_num_threads(2)
    model = BertForMaskedLM.from_pretrained(MODEL).eval()
    for batch, length in shapes:
        log(f"BERT: {batch}×{length}")
        workload = f"forward {batch}×{length}"
        figures = zoo_json(args.zoo, "bench", "bert-base", "--batch", str(batch), "--length", str(length),
                           "--repeats", str(args.repeats))
        row(GROUP, workload, "ms", "zoo", figures["forward_ms"])
        # The same ids `zoo bench` runs: sequence b is the shared prompt ids shifted by b.
        ids = torch.tensor([[(i + b) % 30522 for i in prompt_ids(length, 30522)] for b in range(batch)])
        mask = torch.ones_like(ids)
        with torch.no_grad():
            model(input_ids=ids, attention_mask=mask)
            times = [seconds(lambda: model(input_ids=ids, attention_mask=mask)) * 1000 for _ in range(args.repeats)]
        row(GROUP, workload, "ms", "pytorch", times)


if __name__ == "__main__":
    main()
