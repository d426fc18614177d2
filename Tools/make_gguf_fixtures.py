#!/usr/bin/env python3
"""Generates the GGUF fixtures of the ZooFormats tests (Tests/ZooFormatsTests/Fixtures/gguf/) with the gguf package,
the reference implementation of the format that llama.cpp's converters use.

Run from anywhere with the reference environment: Tools/.venv/bin/python Tools/make_gguf_fixtures.py
The output is deterministic. For each file, <name>.expected.json lists every tensor with its logical shape, GGUF
type and values as the gguf package dequantizes them; quantized tensors also carry the float32 values they were
quantized from, so the tests can check the zoo's quantizer against the package's bit for bit.
"""
import json
import shutil
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V
from gguf import GGUFWriter
from gguf.quants import dequantize, quantize

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "ZooFormatsTests" / "Fixtures" / "gguf"

# One key per GGUF value type, and arrays: of numbers, of strings, of arrays.
METADATA = [
    ("test.uint8", 200, V.UINT8),
    ("test.int8", -100, V.INT8),
    ("test.uint16", 60000, V.UINT16),
    ("test.int16", -30000, V.INT16),
    ("test.uint32", 4000000000, V.UINT32),
    ("test.int32", -2000000000, V.INT32),
    ("test.uint64", 18446744073709551615, V.UINT64),
    ("test.int64", -9000000000000000000, V.INT64),
    ("test.float32", 0.15625, V.FLOAT32),
    ("test.float64", 1e-300, V.FLOAT64),
    ("test.bool", True, V.BOOL),
    ("test.string", "h\u00e9llo w\u00f6rld \u2713", V.STRING),
    ("test.array.int32", [1, -2, 3], V.ARRAY),
    ("test.array.float32", [0.5, -1.25], V.ARRAY),
    ("test.array.string", ["a", "bc", ""], V.ARRAY),
    ("test.array.bool", [True, False], V.ARRAY),
    ("test.array.nested", [[1, 2], [3]], V.ARRAY),
]


def values(rng, shape):
    """Values in [-2, 2) as float32, with a few blocks that exercise the quantizers' corner cases."""
    data = rng.uniform(-2, 2, size=shape).astype(np.float32)
    flat = data.reshape(-1)
    if flat.size >= 96:
        flat[:32] = 0  # an all-zero block: scale 0
        flat[32:64] = 0.75  # a constant block: q4_1 range 0
        flat[64] = -3.5  # the value of largest magnitude is negative
    return data


def float_tensors(rng):
    return [
        ("f32.matrix", Q.F32, rng.uniform(-2, 2, size=(3, 5)).astype(np.float32)),
        ("f32.vector", Q.F32, np.array([1.0, -0.0, 3.0e38, -1e-40, 0.1, 2.0, -7.25], dtype=np.float32)),
        ("f32.cube", Q.F32, rng.uniform(-2, 2, size=(2, 3, 4)).astype(np.float32)),
        ("f16.matrix", Q.F16, rng.uniform(-2, 2, size=(4, 6)).astype(np.float32)),
        ("bf16.matrix", Q.BF16, rng.uniform(-2, 2, size=(2, 8)).astype(np.float32)),
    ]


def quantized_tensors(rng):
    return [
        ("q8_0.matrix", Q.Q8_0, values(rng, (4, 96))),
        ("q4_0.matrix", Q.Q4_0, values(rng, (3, 128))),
        ("q4_1.matrix", Q.Q4_1, values(rng, (5, 96))),
        ("q4_1.row", Q.Q4_1, values(rng, (32,))),
    ]


def stored(qtype, data):
    """The array the writer stores: float32/float16 as they are, everything else as raw bytes (given as such for
    types the gguf package cannot quantize)."""
    if data.dtype == np.uint8:
        return data
    if qtype == Q.F32:
        return data
    if qtype == Q.F16:
        return data.astype(np.float16)
    return quantize(data, qtype)


def write(path, tensors, alignment=None, metadata=()):
    writer = GGUFWriter(str(path), "zoo-test")
    if alignment is not None:
        writer.add_custom_alignment(alignment)
    for key, value, vtype in metadata:
        writer.add_key_value(key, value, vtype)
    expected = []
    for name, qtype, data in tensors:
        array = stored(qtype, data)
        writer.add_tensor(name, array, raw_dtype=None if qtype in (Q.F32, Q.F16) else qtype)
        if data.dtype == np.uint8:
            continue  # raw blocks of a type the zoo does not read: no expected values
        raw = array.view(np.uint8) if qtype in (Q.F32, Q.F16) else array
        dequantized = dequantize(raw, qtype).reshape(data.shape)
        entry = {"name": name, "type": qtype.name, "shape": list(data.shape),
                 "values": [float(v) for v in dequantized.reshape(-1)]}
        if qtype in (Q.Q8_0, Q.Q4_0, Q.Q4_1):
            entry["source"] = [float(v) for v in data.reshape(-1)]
        expected.append(entry)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return expected


def write_expected(path, tensors):
    # One line per tensor.
    lines = ",\n".join("  " + json.dumps(t) for t in tensors)
    path.with_suffix(".expected.json").write_text('{"tensors": [\n%s\n]}\n' % lines)


def main():
    shutil.rmtree(FIXTURES, ignore_errors=True)
    FIXTURES.mkdir(parents=True)
    rng = np.random.default_rng(20250105)

    # Every type the zoo reads, every metadata value type, and a Q6_K tensor the zoo names but cannot read.
    everything = FIXTURES / "all_types.gguf"
    tensors = float_tensors(rng) + quantized_tensors(rng)
    q6_k = ("q6_k.matrix", Q.Q6_K, rng.integers(0, 256, size=(2, 210), dtype=np.uint8))  # 2 rows of one block
    write_expected(everything, write(everything, tensors + [q6_k], metadata=METADATA))

    # Version 2 has the layout of version 3 (which only added big-endian files): the same file, version 2.
    data = bytearray(everything.read_bytes())
    data[4:8] = (2).to_bytes(4, "little")
    (FIXTURES / "version_2.gguf").write_bytes(bytes(data))

    # general.alignment 1: data at odd offsets, which the reader copies to align.
    packed = FIXTURES / "alignment_1.gguf"
    write_expected(packed, write(packed, [
        ("odd.f16", Q.F16, np.array([1.5, -2.0, 0.25], dtype=np.float32)),
        ("misaligned.f32", Q.F32, np.array([3.0, -4.5], dtype=np.float32)),
        ("blocks.q8_0", Q.Q8_0, values(rng, (1, 32))),
        ("after_blocks.f32", Q.F32, np.array([6.0, 7.0, 8.0], dtype=np.float32)),
    ], alignment=1))
    print("wrote %s" % ", ".join(sorted(p.name for p in FIXTURES.iterdir())))


if __name__ == "__main__":
    main()
