"""Tokenizer rows of Tools/bench: encoding 1 MB of mixed text (prose and code from this repository, and lines in
other scripts) line by line, in Zoo and in Hugging Face tokenizers on one thread, with GPT-2's byte-level BPE (the
real 50,257-entry vocabulary) and bert-base-uncased's WordPiece.

    Tools/.venv/bin/python Tools/bench_tokenizers.py --zoo .build/release/zoo [--repeats 3] [--quick]
"""
import os

os.environ["TOKENIZERS_PARALLELISM"] = "false"  # Hugging Face tokenizers on one thread, before it is imported

from bench_common import BENCH, GPT2_VOCAB, ROOT, arguments, log, row, seconds, zoo_json  # noqa: E402
from bench_gpt2 import MODEL as GPT2_MODEL, build_model as build_gpt2  # noqa: E402
from bench_bert import MODEL as BERT_MODEL, build_model as build_bert  # noqa: E402
from bench_common import BERT_VOCAB, zoo_convert  # noqa: E402

TEXT = BENCH / "mixed-1mb.txt"
GROUP = "Tokenizers, 1 MB of mixed text"
OTHER_SCRIPTS = [
    "Der schnelle braune Fuchs springt über den faulen Hund — Größe, Maß, Straße.",
    "Le cœur a ses raisons que la raison ne connaît point ; déjà vu, naïve façade.",
    "Быстрая коричневая лиса прыгает через ленивую собаку.",
    "素早い茶色の狐がのろまな犬を飛び越える。東京は日本の首都です。",
    "敏捷的棕色狐狸跳过了懒狗。机器学习模型在中央处理器上运行。",
    "빠른 갈색 여우가 게으른 개를 뛰어넘는다.",
    "الثعلب البني السريع يقفز فوق الكلب الكسول.",
    "Emoji and symbols: 🦊🐶 ✓ ✗ → ≥ ≤ ∑ π ≈ 3.14159, €12.50, 100°C, x² + y² = r².",
]


def build_text():
    if TEXT.exists():
        return TEXT.read_text()
    sources = [ROOT / "README.md"] + sorted((ROOT / "Formats").glob("*.md")) + sorted((ROOT / "Sources").rglob("*.swift"))
    pieces = [path.read_text(errors="replace") for path in sources]
    lines = "\n".join(pieces).splitlines()
    # Every 20th line a line in another script, so that the text mixes English prose, code and Unicode.
    mixed = []
    for index, line in enumerate(lines):
        mixed.append(line)
        if index % 20 == 0:
            mixed.append(OTHER_SCRIPTS[(index // 20) % len(OTHER_SCRIPTS)])
    text = "\n".join(mixed)
    while len(text.encode()) < 1_000_000:
        text += "\n" + text
    text = text.encode()[:1_000_000].decode(errors="ignore")
    TEXT.parent.mkdir(parents=True, exist_ok=True)
    TEXT.write_text(text)
    return text


def main():
    args = arguments(__doc__)
    text = build_text()
    lines = text.split("\n")
    megabytes = len(text.encode()) / 1e6
    from transformers import BertTokenizerFast, GPT2TokenizerFast
    build_gpt2()
    zoo_convert(args.zoo, GPT2_MODEL, "gpt2-124m")
    cases = [("byte-level BPE (GPT-2)", "gpt2-124m", GPT2TokenizerFast(vocab_file=str(GPT2_VOCAB / "vocab.json"),
                                                                      merges_file=str(GPT2_VOCAB / "merges.txt")))]
    if (BERT_VOCAB / "vocab.txt").exists():
        build_bert()
        zoo_convert(args.zoo, BERT_MODEL, "bert-base")
        cases.append(("WordPiece (bert-base-uncased)", "bert-base",
                      BertTokenizerFast(vocab_file=str(BERT_VOCAB / "vocab.txt"))))
    for workload, name, reference in cases:
        log(f"tokenizers: {workload}")
        figures = zoo_json(args.zoo, "bench", name, "--tokenize", str(TEXT), "--repeats", str(args.repeats))
        row(GROUP, workload, "MB/s", "zoo", figures["encode_mb_per_s"])
        backend = reference.backend_tokenizer
        rates = [megabytes / seconds(lambda: backend.encode_batch(lines, add_special_tokens=False))
                 for _ in range(args.repeats)]
        row(GROUP, workload, "MB/s", "hf tokenizers", rates)


if __name__ == "__main__":
    main()
