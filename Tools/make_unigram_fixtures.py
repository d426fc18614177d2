#!/usr/bin/env python3
"""Writes the unigram (SentencePiece) fixtures of the ZooTokenizers tests with the Python reference stack
(tokenizers, transformers, sentencepiece).

    Tools/.venv/bin/python Tools/make_unigram_fixtures.py

It reuses the corpus, the pairs and the recording of Tools/make_tokenizer_fixtures.py, and writes, under
Tests/ZooTokenizersTests/Fixtures/:

    unigram-t5/             a T5 tokenizer as transformers' T5Tokenizer builds one (NFKC normalizer, WhitespaceSplit
                            and Metaspace, the "$A </s>" template, <pad>=0 </s>=1 <unk>=2, ten <extra_id_N>) around
                            a unigram vocabulary trained here with tokenizers' UnigramTrainer.
    unigram-sentencepiece/  a unigram model trained by the sentencepiece library itself with its nmt_nfkc rules,
                            turned into tokenizer.json by transformers' T5Tokenizer, as published T5 files are: its
                            Precompiled normalizer holds SentencePiece's real compiled charsmap.
    unigram-variants/       tokenizer.json files derived from those: Llama-style byte fallback (Prepend and Replace
                            normalizers; and Metaspace "first" without split), ALBERT-style lowercasing with
                            whitespace collapsing, other Metaspace schemes, the older Metaspace format.
    unigram_expected.json   for every tokenizer, what tokenizers 0.23 makes of the corpus (the hard corpus and the
                            WordPiece texts, plus UNIGRAM_TEXTS) and of the pairs, in the layout of expected.json.

The trained pieces are kept in Tools/fixtures/trained-unigram-*.json, as UnigramTrainer is not deterministic: it
trains only when a file is missing (delete it to train anew).
"""

import copy
import io
import json
import shutil
import sys
from pathlib import Path

import sentencepiece
from sentencepiece import sentencepiece_model_pb2
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer, T5Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_tokenizer_fixtures import (  # noqa: E402
    FIXTURES, HARD_CORPUS, TOOLS, TRAINING_CORPUS, WORDPIECE_CORPUS, layered_json, record, write_json)

# Texts for what only SentencePiece tokenizers do: the charsmap's rules on grapheme clusters (a rewritten
# character with a combining mark after it, CR LF, fullwidth and halfwidth forms), byte tokens and the unknown
# token written out, the replacement character in the input, T5's sentinels and added tokens between words.
UNIGRAM_TEXTS = [
    "\uff21\u0301 \uff41\u0300b \u2460\u0301 \ufb01\u0301 e\u0301\u0301",
    "a\r\nb\r\rc\n\rd \r\n",
    "\u2000\u2001\u2002en\u2003em\u200a\u3000 spaces",
    "``quoted'' and ''twice`` ``''",
    "\u2581word \u2581\u2581two\u2581 \u2581",
    "<0x41><0xE4><0xB8><0xAD> <0x41 <unk> x<unk>y",
    "Translate: <extra_id_0> the <extra_id_1> keeper<extra_id_9></s> <pad>",
    "\u1100\u1161\u11a8 \u0915\u094d\u0937 \u0e01\u0e33 \U0001f1fa\U0001f1f8\U0001f1fa",
    "x" + "\u0301" * 7 + " \u0308\u0308",
    "  many   spaces\u00a0\u00a0and\ttabs  ",
]

T5_SPECIAL = ["<pad>", "</s>", "<unk>"]
ALBERT_SPECIAL = ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"]


def trained_pieces(name, lines, special_tokens, unk_token, lowercase):
    """A unigram vocabulary of 400 pieces trained on the training corpus with tokenizers' UnigramTrainer, kept in
    Tools/fixtures."""
    path = TOOLS / "fixtures" / f"trained-unigram-{name}.json"
    if not path.exists():
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.normalizer = normalizers.Sequence(
            [normalizers.NFKC()] + ([normalizers.Lowercase()] if lowercase else []))
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=400, special_tokens=special_tokens, unk_token=unk_token,
                                          show_progress=False)
        tokenizer.train_from_iterator(lines, trainer)
        path.write_text(layered_json(json.loads(tokenizer.to_str())["model"]["vocab"], depth=1) + "\n",
                        encoding="utf-8")
    return [tuple(piece) for piece in json.loads(path.read_text(encoding="utf-8"))]


def t5_tokenizer(lines, destination):
    """transformers' T5Tokenizer around trained pieces, with NFKC for a normalizer, saved as tokenizer.json and
    tokenizer_config.json."""
    if destination.exists():
        shutil.rmtree(destination)
    pieces = trained_pieces("cased", lines, T5_SPECIAL, "<unk>", lowercase=False)
    tokenizer = T5Tokenizer(vocab=pieces, extra_ids=10)
    tokenizer.backend_tokenizer.normalizer = normalizers.NFKC()
    tokenizer.save_pretrained(str(destination))


def sentencepiece_tokenizer(lines, destination):
    """A unigram model trained by sentencepiece (nmt_nfkc rules, T5's special ids), converted by T5Tokenizer."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=300, model_type="unigram",
        normalization_rule_name="nmt_nfkc", hard_vocab_limit=False, pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
        num_threads=1, minloglevel=2)
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    assert proto.normalizer_spec.name == "nmt_nfkc" and proto.normalizer_spec.precompiled_charsmap
    scratch = destination / "spm"
    scratch.mkdir()
    (scratch / "spiece.model").write_bytes(model.getvalue())
    T5Tokenizer.from_pretrained(str(scratch), extra_ids=5).save_pretrained(str(destination))
    shutil.rmtree(scratch)


def unigram_model(pieces, unk_id, byte_fallback=False):
    return {"type": "Unigram", "unk_id": unk_id, "vocab": [list(piece) for piece in pieces],
            "byte_fallback": byte_fallback}


def template(single, pair, specials):
    """A TemplateProcessing post-processor: `specials` maps each special token to its id."""
    return json.loads(processors.TemplateProcessing(
        single=single, pair=pair, special_tokens=list(specials.items())).__getstate__())


def added(content, id):
    return {"id": id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def metaspace(scheme="always", split=True):
    return {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": split}


def variants(t5, lines):
    """tokenizer.json files derived from the T5 one, each turning on normalizer, pre-tokenizer, model, decoder or
    post-processor options of SentencePiece tokenizers."""
    result = {}
    pieces = [tuple(piece) for piece in t5["model"]["vocab"] if not piece[0].startswith("<extra_id_")]

    # Llama's SentencePiece layout: <unk>=0 <s>=1 </s>=2, byte pieces, byte fallback; the space handling in the
    # normalizer and a decoder that undoes it.
    llama_pieces = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0)] + [(f"<0x{b:02X}>", 0.0) for b in range(256)]
    llama_pieces += [piece for piece in pieces if piece[0] not in T5_SPECIAL]
    llama = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added("<unk>", 0), added("<s>", 1), added("</s>", 2)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": template("<s> $A", "<s> $A <s> $B", {"<s>": 1}),
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": unigram_model(llama_pieces, 0, byte_fallback=True),
    }
    result["llama-byte-fallback"] = llama

    # transformers 5's Llama: no normalizer, Metaspace with "first" and no split.
    first = copy.deepcopy(llama)
    first["normalizer"] = None
    first["pre_tokenizer"] = metaspace("first", split=False)
    result["llama-metaspace-first"] = first

    # Byte fallback where only ASCII bytes have pieces: other unknown characters stay unknown.
    partial = copy.deepcopy(llama)
    partial["model"]["vocab"] = [piece for piece in partial["model"]["vocab"]
                                 if not (piece[0].startswith("<0x") and int(piece[0][3:5], 16) >= 0x80)]
    partial["decoder"] = {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, metaspace("always")]}
    result["byte-fallback-ascii-only"] = partial

    # ALBERT: lowercased pieces, quotes and whitespace rewritten, [CLS] A [SEP] with type ids.
    albert_pieces = trained_pieces("uncased", lines, ALBERT_SPECIAL, "<unk>", lowercase=True)
    albert = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(token, id) for id, token in enumerate(ALBERT_SPECIAL)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"String": "``"}, "content": "\""},
            {"type": "Replace", "pattern": {"String": "''"}, "content": "\""},
            {"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace()]},
        "post_processor": template("[CLS]:0 $A:0 [SEP]:0", "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
                                   {"[CLS]": 2, "[SEP]": 3}),
        "decoder": metaspace(),
        "model": unigram_model(albert_pieces, 1),
    }
    result["albert"] = albert

    # transformers' generic SentencePiece conversion with legacy=False: trailing whitespace stripped, runs of
    # spaces made one "▁", Metaspace "first" (only the text that starts the input gets a "▁"), and added tokens
    # matched in normalized text too.
    spm = copy.deepcopy(t5)
    spm["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Strip", "strip_left": False, "strip_right": True},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]}
    spm["pre_tokenizer"] = metaspace("first")
    spm["decoder"] = metaspace("first")
    spm["added_tokens"][-1]["normalized"] = True
    result["spm-first"] = spm

    # Metaspace "first" after normalizers that move the start of the text: leading whitespace stripped, and a
    # rewrite of two characters into one.
    moved = copy.deepcopy(spm)
    moved["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Replace", "pattern": {"String": "``"}, "content": "\""},
        {"type": "Strip", "strip_left": True, "strip_right": True}]}
    moved["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace("first")]}
    result["first-after-moved-start"] = moved

    never = copy.deepcopy(t5)
    never["pre_tokenizer"] = metaspace("never", split=False)
    never["decoder"] = metaspace("never", split=False)
    never["post_processor"] = None
    result["metaspace-never-no-split"] = never

    # The format of older files (t5-small's): add_prefix_space instead of a scheme, and str_rep.
    legacy = copy.deepcopy(t5)
    legacy_metaspace = {"type": "Metaspace", "replacement": "\u2581", "str_rep": "\u2581", "add_prefix_space": True}
    legacy["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, legacy_metaspace]}
    legacy["decoder"] = legacy_metaspace
    result["metaspace-legacy"] = legacy

    # No pre-tokenizer and no decoder: a whole text is one word, and tokens are joined by spaces.
    bare = copy.deepcopy(t5)
    bare["pre_tokenizer"] = None
    bare["decoder"] = None
    result["no-pre-tokenizer-no-decoder"] = bare
    return result


def main():
    wordpiece_corpus = json.loads(WORDPIECE_CORPUS.read_text(encoding="utf-8"))
    corpus = json.loads(HARD_CORPUS.read_text(encoding="utf-8")) + wordpiece_corpus["texts"] + UNIGRAM_TEXTS
    pairs = wordpiece_corpus["pairs"]
    lines = TRAINING_CORPUS.read_text(encoding="utf-8").splitlines()

    tokenizers = []
    # transformers rebuilds a T5 tokenizer from its vocabulary and charsmap, leaving out the NFKC normalizer given
    # to unigram-t5, so only the converted SentencePiece model is checked against it too.
    for name, make, check in [("unigram-t5", t5_tokenizer, False),
                              ("unigram-sentencepiece", sentencepiece_tokenizer, True)]:
        directory = FIXTURES / name
        make(lines, directory)
        backend = Tokenizer.from_file(str(directory / "tokenizer.json"))
        reference = AutoTokenizer.from_pretrained(str(directory)) if check else None
        tokenizers.append(record(name, f"{name}/tokenizer.json", backend, corpus, pairs, reference))

    t5 = json.loads((FIXTURES / "unigram-t5" / "tokenizer.json").read_text(encoding="utf-8"))
    variant_dir = FIXTURES / "unigram-variants"
    if variant_dir.exists():
        shutil.rmtree(variant_dir)
    for name, content in variants(t5, lines).items():
        write_json(variant_dir / f"{name}.json", content, indent=1)
        backend = Tokenizer.from_file(str(variant_dir / f"{name}.json"))
        tokenizers.append(record(f"unigram-{name}", f"unigram-variants/{name}.json", backend, corpus, pairs))

    expected = {"corpus": corpus, "pairs": pairs, "tokenizers": tokenizers, "gpt2_byte_decodes": [],
                "pre_tokenizers": []}
    (FIXTURES / "unigram_expected.json").write_text(layered_json(expected, depth=5) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
