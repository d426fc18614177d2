#!/usr/bin/env python3
"""Generates the zoo checkpoint v1 conformance files (Formats/conformance/) and the safetensors fixtures of the
ZooFormats tests (Tests/ZooFormatsTests/Fixtures/).

Run from anywhere with the reference environment: Tools/.venv/bin/python Tools/make_conformance.py
The output is deterministic. Two valid weights files come from the Swift writer: the script runs the Swift test that
writes them (swift must be on PATH; SWIFT_SCRATCH_PATH, when set, is passed to it as --scratch-path), then checks
that h5py reads them as cases.json says. Quantized blocks are made and decoded by the gguf package.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import torch
from gguf import GGMLQuantizationType
from gguf.quants import dequantize, quantize
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "Formats" / "conformance"
FIXTURES = ROOT / "Tests" / "ZooFormatsTests" / "Fixtures"
SWIFT_WRITER_FILE = "valid_swift_writer.h5"
SWIFT_WRITER_QUANTIZED_FILE = "valid_swift_writer_quantized.h5"

# Library version bounds and data alignment the spec requires (Formats/zoo-checkpoint-v1.md).
LIBVER = ("v108", "v110")
ALIGNMENT = 64

# The block types: GGML's type, and the bytes of one block of 32 elements.
BLOCK_TYPES = {"q8_0": (GGMLQuantizationType.Q8_0, 34), "q4_0": (GGMLQuantizationType.Q4_0, 18),
               "q4_1": (GGMLQuantizationType.Q4_1, 20)}


def bfloat16_type():
    """A 16-bit little-endian float with bfloat16's fields, as the spec defines it."""
    t = h5py.h5t.IEEE_F32LE.copy()
    t.set_fields(15, 7, 8, 0, 7)  # sign at 15, exponent at 7 (8 bits), mantissa at 0 (7 bits)
    t.set_size(2)
    t.set_ebias(127)
    return t


def hdf5_type(dtype):
    if dtype == "float32":
        return h5py.h5t.IEEE_F32LE.copy()
    if dtype == "float16":
        return h5py.h5t.py_create(np.dtype("<f2"))
    if dtype == "bfloat16":
        return bfloat16_type()
    raise ValueError(dtype)


def stored(values, shape, dtype):
    """The values as the bytes of `dtype`: float32/float16 arrays, or bfloat16 bit patterns in a uint16 array."""
    data = np.array(values, dtype="<f4").reshape(shape)
    if dtype == "float32":
        return data
    if dtype == "float16":
        return data.astype("<f2")
    bits = data.view("<u4")
    return np.asarray((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16, dtype="<u2")  # round to nearest even


def new_file(path, libver=LIBVER, alignment=ALIGNMENT, root_attributes=True):
    f = h5py.File(path, "w", libver=libver, alignment_threshold=1, alignment_interval=alignment, track_times=False)
    if root_attributes:
        f.attrs.create("zoo_format", np.bytes_("zoo-checkpoint"))
        f.attrs.create("zoo_format_version", np.int64(1))
    return f


def add_tensor(group, name, shape, values, dtype, zoo_dtype=None, allocate=True):
    """A dataset laid out as the spec requires: contiguous, allocated and written at creation, no timestamps."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.CONTIGUOUS)
    dcpl.set_obj_track_times(False)
    if allocate:
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)
    space = h5py.h5s.create(h5py.h5s.SCALAR) if shape == [] else h5py.h5s.create_simple(tuple(shape))
    file_type = hdf5_type(dtype)
    dataset = h5py.Dataset(h5py.h5d.create(group.id, name.encode(), file_type, space, dcpl=dcpl))
    if allocate and np.prod(shape, dtype=int) > 0:
        dataset.id.write(h5py.h5s.ALL, h5py.h5s.ALL, stored(values, shape, dtype), mtype=file_type)
    dataset.attrs.create("zoo_dtype", np.bytes_(zoo_dtype or dtype))
    return dataset


def add_blocks(group, name, shape, blocks, dtype, zoo_dtype=None, block_size=32, zoo_shape=True, dataset_shape=None):
    """A block-type tensor as the spec stores it: its raw blocks as a one-dimensional uint8 dataset (contiguous,
    allocated and written at creation) with zoo_dtype, zoo_block_size and zoo_shape."""
    data = np.asarray(blocks, dtype="<u1").reshape(dataset_shape or (-1,))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.CONTIGUOUS)
    dcpl.set_obj_track_times(False)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    dcpl.set_fill_time(h5py.h5d.FILL_TIME_NEVER)
    file_type = h5py.h5t.STD_U8LE
    dataset = h5py.Dataset(h5py.h5d.create(group.id, name.encode(), file_type, h5py.h5s.create_simple(data.shape),
                                           dcpl=dcpl))
    if data.size > 0:
        dataset.id.write(h5py.h5s.ALL, h5py.h5s.ALL, data, mtype=file_type)
    dataset.attrs.create("zoo_dtype", np.bytes_(zoo_dtype or dtype))
    dataset.attrs.create("zoo_block_size", np.int64(block_size))
    if zoo_shape:
        dataset.attrs.create("zoo_shape", np.array(shape, dtype="<i8"))
    return dataset


def quantized_tensor(name, shape, dtype, rng):
    """Random values quantized by the gguf package: the blocks, and the tensor entry with the values they decode to."""
    qtype, _ = BLOCK_TYPES[dtype]
    if np.prod(shape) == 0:
        return np.zeros(0, dtype="<u1"), tensor(name, shape, dtype, [])
    blocks = quantize(rng.uniform(-2, 2, size=shape).astype(np.float32), qtype)
    values = dequantize(blocks, qtype).reshape(-1)
    return blocks, tensor(name, shape, dtype, [float(v) for v in values])


def tensor(name, shape, dtype, values):
    return {"name": name, "shape": shape, "dtype": dtype, "values": values}


def sample(dtype):
    """Small tensors whose values are exact in every dtype, including a scalar and one without elements."""
    return [
        tensor("blocks.0.attn.qkv.weight", [2, 3], dtype, [1.0, -2.0, 0.5, 3.25, -0.125, 96.0]),
        tensor("embed.weight", [3, 2], dtype, [0.0, -0.0, 0.25, -1.5, 7.0, -64.0]),
        tensor("norm.scale", [], dtype, [1.5]),
        tensor("empty", [0, 4], dtype, []),
    ]


MIXED = [
    tensor("embed.weight", [2, 2], "bfloat16", [1.0, -2.0, 0.5, 128.0]),
    tensor("norm.weight", [2], "float32", [0.1, -3.4028234663852886e38]),
    tensor("lm_head.weight", [2, 2], "float16", [-0.25, 4.0, 65504.0, 0.0]),
]

SWIFT_WRITER_TENSORS = [
    tensor("blocks.0.mlp.up.weight", [2, 2], "float32", [1.0, -1.0, 0.001, 1e30]),
    tensor("blocks.0.mlp.up.bias", [2], "float16", [0.5, -0.75]),
    tensor("blocks.0.mlp.down.weight", [1, 3], "bfloat16", [2.0, -0.5, 3.0e38]),
    tensor("position", [], "float32", [42.0]),
    tensor("empty", [3, 0], "bfloat16", []),
]


# Values a quantizer turns into blocks that decode to exactly these values: steps of a float16 scale, with the
# extremes that make the quantizer choose that scale (max |x| = 127·d for q8_0, a value −8·d for q4_0, min m and
# max m + 15·d for q4_1).
SWIFT_WRITER_QUANTIZED_TENSORS = [
    tensor("blocks.0.attn.qkv.weight", [2, 32], "q8_0", [0.5 * (i % 255 - 127) for i in range(0, 64 * 37, 37)]),
    tensor("blocks.0.mlp.up.weight", [1, 64], "q4_0", [0.25 * (i % 16 - 8) for i in range(64)]),
    tensor("blocks.0.mlp.down.weight", [2, 32], "q4_1", [-1 + 0.125 * (i * 7 % 16) for i in range(64)]),
    tensor("embed.weight", [0, 32], "q4_1", []),
    tensor("norm.weight", [2], "float32", [1.0, -0.5]),
]


def write_valid(path, tensors, **options):
    with new_file(path, **options) as f:
        for t in tensors:
            add_tensor(f, t["name"], t["shape"], t["values"], t["dtype"])


def one_tensor_file(path, modify, dtype="float32", **options):
    """A file with the single tensor "weight" (shape [2, 2]) after `modify(f, name, shape, values, dtype)` wrote it."""
    with new_file(path, **options) as f:
        modify(f, "weight", [2, 2], [1.0, 2.0, 3.0, 4.0], dtype)


def valid_cases():
    cases = []
    for dtype in ["float32", "float16", "bfloat16"]:
        cases.append(("valid_%s.h5" % dtype, "%s tensors written with h5py, including a scalar and an empty tensor"
                      % dtype, sample(dtype), {}))
    cases.append(("valid_mixed_dtypes.h5", "one tensor of each dtype in one file", MIXED, {}))
    cases.append(("valid_superblock_v3.h5", "library version bounds 1.10 to 1.10 (superblock version 3)",
                  sample("float32")[:2], {"libver": ("v110", "v110")}))
    for name, description, tensors, options in cases:
        write_valid(CONFORMANCE / name, tensors, **options)

    # The attribute forms h5py writes by default: variable-length UTF-8 strings and, here, a 32-bit version.
    path = CONFORMANCE / "valid_h5py_default_attributes.h5"
    tensors = sample("float16")[:1]
    with new_file(path, root_attributes=False) as f:
        f.attrs["zoo_format"] = "zoo-checkpoint"
        f.attrs["zoo_format_version"] = np.int32(1)
        t = tensors[0]
        add_tensor(f, t["name"], t["shape"], t["values"], t["dtype"]).attrs["zoo_dtype"] = "float16"
    cases.append((path.name, "variable-length UTF-8 string attributes and a 32-bit integer version", tensors, {}))

    # Quantized blocks from the gguf package next to a float tensor, including a 3-dimensional and an empty tensor.
    path = CONFORMANCE / "valid_quantized.h5"
    rng = np.random.default_rng(20250106)
    tensors = []
    with new_file(path) as f:
        for name, shape, dtype in [("blocks.0.attn.qkv.weight", [2, 64], "q8_0"), ("blocks.0.mlp.up.weight", [3, 32], "q4_0"),
                                   ("blocks.0.mlp.down.weight", [1, 96], "q4_1"), ("experts.weight", [2, 2, 32], "q8_0"),
                                   ("empty", [0, 32], "q4_1")]:
            blocks, entry = quantized_tensor(name, shape, dtype, rng)
            add_blocks(f, name, shape, blocks, dtype)
            tensors.append(entry)
        norm = tensor("norm.weight", [4], "float32", [1.0, 0.5, -2.0, 0.25])
        add_tensor(f, norm["name"], norm["shape"], norm["values"], norm["dtype"])
        tensors.append(norm)
    cases.append((path.name, "q8_0, q4_0 and q4_1 blocks quantized by the gguf package, and a float32 tensor",
                  tensors, {}))

    result = [{"file": name, "expect": "valid", "description": description, "tensors": tensors}
              for name, description, tensors, _ in cases]
    result.append({"file": SWIFT_WRITER_FILE, "expect": "valid", "writer": "swift",
                   "description": "written by ZooWeightsWriter with the tensors in this order (the Swift test "
                                  "swiftWriterReproducesItsConformanceFile regenerates and compares it)",
                   "tensors": SWIFT_WRITER_TENSORS})
    result.append({"file": SWIFT_WRITER_QUANTIZED_FILE, "expect": "valid", "writer": "swift",
                   "description": "written by ZooWeightsWriter from these values quantized by the zoo, which gives "
                                  "blocks that decode to exactly these values",
                   "tensors": SWIFT_WRITER_QUANTIZED_TENSORS})
    return result


def invalid_cases():
    cases = []

    def case(name, reason, description):
        cases.append({"file": name, "expect": "invalid", "reason": reason, "description": description})
        return CONFORMANCE / name

    valid = (CONFORMANCE / "valid_float32.h5").read_bytes()

    case("invalid_empty.h5", "empty", "an empty file").write_bytes(b"")
    rng = np.random.default_rng(20240601)
    case("invalid_garbage.h5", "not an HDF5 file", "1 KiB of random bytes").write_bytes(rng.bytes(1024))
    case("invalid_signature_only.h5", "truncated", "the HDF5 signature and nothing more").write_bytes(valid[:8])
    case("invalid_truncated_half.h5", "truncated", "valid_float32.h5 cut in half").write_bytes(valid[:len(valid) // 2])
    case("invalid_truncated_last_byte.h5", "truncated", "valid_float32.h5 without its last byte").write_bytes(valid[:-1])

    # Corrupt one byte inside a dataset's object header: version-2 headers carry a checksum.
    headers = [i for i in range(len(valid)) if valid.startswith(b"OHDR", i)]
    corrupt = bytearray(valid)
    corrupt[headers[1] + 12] ^= 0xFF
    case("invalid_corrupt_object_header.h5", "checksum",
         "valid_float32.h5 with one byte of a dataset's object header flipped").write_bytes(bytes(corrupt))

    write_valid(case("invalid_superblock_v0.h5", "superblock version 0",
                     "written with h5py's default (earliest) library version bounds"), sample("float32"),
                libver="earliest")

    def write_misaligned(path):
        # Odd-sized tensors with 1-byte alignment leave some data off the 64-byte grid.
        with new_file(path, alignment=1) as f:
            add_tensor(f, "a", [3], [1.0, 2.0, 3.0], "float16")
            add_tensor(f, "b", [3], [1.0, 2.0, 3.0], "float16")
            assert any(f[n].id.get_offset() % ALIGNMENT for n in ["a", "b"]), "the data happened to be aligned"
    write_misaligned(case("invalid_misaligned.h5", "not aligned", "tensor data not aligned to 64 bytes"))

    def plain(f, name, shape, values, dtype, **kwargs):
        return f.create_dataset(name, data=stored(values, shape, dtype), **kwargs)

    def layout_case(file, reason, description, **kwargs):
        one_tensor_file(case(file, reason, description),
                        lambda f, n, s, v, d: plain(f, n, s, v, d, **kwargs).attrs.create("zoo_dtype", np.bytes_(d)))

    layout_case("invalid_chunked.h5", "chunked", "a chunked dataset", chunks=(1, 2))
    layout_case("invalid_gzip.h5", "filter", "a gzip-compressed (hence chunked and filtered) dataset",
                chunks=(2, 2), compression="gzip")

    def compact(f, name, shape, values, dtype):
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_obj_track_times(False)
        dcpl.set_layout(h5py.h5d.COMPACT)
        file_type = hdf5_type(dtype)
        dataset = h5py.Dataset(h5py.h5d.create(f.id, name.encode(), file_type, h5py.h5s.create_simple(tuple(shape)),
                                               dcpl=dcpl))
        dataset.id.write(h5py.h5s.ALL, h5py.h5s.ALL, stored(values, shape, dtype), mtype=file_type)
        dataset.attrs.create("zoo_dtype", np.bytes_(dtype))
    one_tensor_file(case("invalid_compact.h5", "compact",
                         "a dataset with compact storage (data in its object header)"), compact)

    def external(f, name, shape, values, dtype):
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_obj_track_times(False)
        dcpl.set_external(b"invalid_external_storage.bin", 0, 16)
        dataset = h5py.Dataset(h5py.h5d.create(f.id, name.encode(), hdf5_type(dtype),
                                               h5py.h5s.create_simple(tuple(shape)), dcpl=dcpl))
        dataset.attrs.create("zoo_dtype", np.bytes_(dtype))
    one_tensor_file(case("invalid_external_storage.h5", "external",
                         "a dataset whose data lives in another file"), external)

    def typed(numpy_type, zoo_dtype):
        def write(f, name, shape, values, dtype):
            f.create_dataset(name, data=np.array(values).reshape(shape).astype(numpy_type)) \
                .attrs.create("zoo_dtype", np.bytes_(zoo_dtype))
        return write
    one_tensor_file(case("invalid_integer_dtype.h5", "integer", "an int32 dataset"), typed("<i4", "float32"))
    one_tensor_file(case("invalid_float64_dtype.h5", "unsupported HDF5 type", "a float64 dataset"),
                    typed("<f8", "float32"))
    one_tensor_file(case("invalid_big_endian.h5", "big-endian", "a big-endian float32 dataset"),
                    typed(">f4", "float32"))

    def tagged(zoo_dtype):
        return lambda f, n, s, v, d: add_tensor(f, n, s, v, d, zoo_dtype=zoo_dtype)
    one_tensor_file(case("invalid_zoo_dtype_disagrees.h5", "disagree",
                         "float16 data whose zoo_dtype says bfloat16"), tagged("bfloat16"), dtype="float16")
    one_tensor_file(case("invalid_bfloat16_tagged_float16.h5", "disagree",
                         "bfloat16 data whose zoo_dtype says float16"), tagged("float16"), dtype="bfloat16")
    one_tensor_file(case("invalid_unknown_zoo_dtype.h5", "unknown zoo_dtype",
                         "zoo_dtype is \"float64\""), tagged("float64"))

    def without_zoo_dtype(f, name, shape, values, dtype):
        del add_tensor(f, name, shape, values, dtype).attrs["zoo_dtype"]
    one_tensor_file(case("invalid_missing_zoo_dtype.h5", "missing attribute zoo_dtype",
                         "a dataset without zoo_dtype"), without_zoo_dtype)

    def root_attributes(**attributes):
        def write(f, name, shape, values, dtype):
            for key, value in attributes.items():
                if value is None:
                    del f.attrs[key]
                else:
                    f.attrs.create(key, value)
            add_tensor(f, name, shape, values, dtype)
        return write
    one_tensor_file(case("invalid_missing_zoo_format.h5", "missing root attribute zoo_format",
                         "no zoo_format attribute"), root_attributes(zoo_format=None))
    one_tensor_file(case("invalid_wrong_zoo_format.h5", "zoo_format", "zoo_format is \"safetensors\""),
                    root_attributes(zoo_format=np.bytes_("safetensors")))
    one_tensor_file(case("invalid_missing_version.h5", "missing root attribute zoo_format_version",
                         "no zoo_format_version attribute"), root_attributes(zoo_format_version=None))
    one_tensor_file(case("invalid_version_2.h5", "zoo_format_version 2", "zoo_format_version is 2"),
                    root_attributes(zoo_format_version=np.int64(2)))
    one_tensor_file(case("invalid_version_string.h5", "must be an integer", "zoo_format_version is the string \"1\""),
                    root_attributes(zoo_format_version=np.bytes_("1")))

    def nested(f, name, shape, values, dtype):
        add_tensor(f.create_group("blocks"), name, shape, values, dtype)
    one_tensor_file(case("invalid_nested_group.h5", "group", "a tensor inside a group, not in the root group"), nested)

    def soft_link(f, name, shape, values, dtype):
        add_tensor(f, name, shape, values, dtype)
        f["alias"] = h5py.SoftLink("/" + name)
    one_tensor_file(case("invalid_soft_link.h5", "link", "a soft link next to the tensor"), soft_link)

    def external_link(f, name, shape, values, dtype):
        add_tensor(f, name, shape, values, dtype)
        f["elsewhere"] = h5py.ExternalLink("valid_float32.h5", "/embed.weight")
    one_tensor_file(case("invalid_external_link.h5", "link", "an external link to a tensor of another file"),
                    external_link)

    def unwritten(f, name, shape, values, dtype):
        add_tensor(f, name, shape, values, dtype, allocate=False)
    one_tensor_file(case("invalid_unwritten_data.h5", "no data", "a dataset whose data was never written"), unwritten)

    def null_space(f, name, shape, values, dtype):
        f.create_dataset(name, data=h5py.Empty("<f4")).attrs.create("zoo_dtype", np.bytes_(dtype))
    one_tensor_file(case("invalid_null_dataspace.h5", "null dataspace", "a dataset with a null dataspace"), null_space)

    def quantized_case(file, reason, description, shape=(2, 64), dtype="q8_0", **options):
        blocks, _ = quantized_tensor("weight", list(shape), dtype, np.random.default_rng(7))
        if "drop_bytes" in options:
            blocks = blocks.reshape(-1)[:-options.pop("drop_bytes")]
        with new_file(case(file, reason, description)) as f:
            add_blocks(f, "weight", list(options.pop("zoo_shape_value", shape)), blocks, dtype, **options)

    quantized_case("invalid_quantized_byte_count.h5", "bytes where shape [2, 64] in q8_0 needs [136]",
                   "q8_0 blocks of shape [2, 64] with the last block missing", drop_bytes=34)
    quantized_case("invalid_quantized_missing_zoo_shape.h5", "missing attribute zoo_shape",
                   "q4_1 blocks without zoo_shape", dtype="q4_1", zoo_shape=False)
    quantized_case("invalid_quantized_unknown_scheme.h5", "unknown zoo_dtype",
                   "uint8 blocks whose zoo_dtype is \"q5_0\"", zoo_dtype="q5_0")
    quantized_case("invalid_quantized_not_whole_blocks.h5", "not whole q8_0 blocks",
                   "zoo_shape [2, 48]: a last dimension that is not a multiple of 32", zoo_shape_value=(2, 48))
    quantized_case("invalid_quantized_block_size.h5", "zoo_block_size is 64",
                   "zoo_block_size 64", block_size=64)
    quantized_case("invalid_quantized_two_dimensional.h5", "one-dimensional",
                   "q8_0 blocks stored as a [2, 68] byte array", dataset_shape=(2, 68))

    def float_tagged_q8_0(f, name, shape, values, dtype):
        dataset = add_tensor(f, name, shape, values, dtype, zoo_dtype="q8_0")
        dataset.attrs.create("zoo_block_size", np.int64(32))
        dataset.attrs.create("zoo_shape", np.array(shape, dtype="<i8"))
    one_tensor_file(case("invalid_quantized_float_data.h5", "disagree",
                         "float32 data whose zoo_dtype says q8_0"), float_tagged_q8_0)

    def signed_bytes(f, name, shape, values, dtype):
        dataset = f.create_dataset(name, data=np.zeros(34, dtype="<i1"))
        dataset.attrs.create("zoo_dtype", np.bytes_("q8_0"))
        dataset.attrs.create("zoo_block_size", np.int64(32))
        dataset.attrs.create("zoo_shape", np.array([1, 32], dtype="<i8"))
    one_tensor_file(case("invalid_quantized_signed_bytes.h5", "8-bit integer",
                         "q8_0 blocks in a signed int8 dataset"), signed_bytes)

    def spaced_name(f, name, shape, values, dtype):
        add_tensor(f, "embed weight", shape, values, dtype)
    one_tensor_file(case("invalid_name_with_space.h5", "invalid tensor name", "a tensor named \"embed weight\""),
                    spaced_name)
    return cases


def write_manifest(folder):
    files = {}
    for path in sorted(folder.iterdir()):
        if path.name != "manifest.json":
            data = path.read_bytes()
            files[path.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps({"format": "zoo-manifest", "version": 1, "files": files},
                                                     indent=2, sort_keys=True) + "\n")


def manifest_cases():
    config = {"model_type": "tiny", "hidden_size": 2,
              "zoo": {"format_version": 1, "architecture": "tiny", "dtype": "float32",
                      "source": {"format": "safetensors", "path": "model.safetensors"}, "converter_version": "0.1.0"}}
    valid = CONFORMANCE / "manifest_valid"
    valid.mkdir()
    (valid / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    shutil.copyfile(CONFORMANCE / "valid_float32.h5", valid / "weights.h5")
    (valid / "tokenizer.json").write_text('{"version": "1.0", "model": {"type": "WordLevel", "vocab": {"a": 0}}}\n')
    write_manifest(valid)

    # The same folder after four kinds of damage, its manifest unchanged.
    tampered = CONFORMANCE / "manifest_tampered"
    shutil.copytree(valid, tampered)
    config_text = (tampered / "config.json").read_text()
    (tampered / "config.json").write_text(config_text.replace('"hidden_size": 2', '"hidden_size": 3'))
    with open(tampered / "tokenizer.json", "a") as f:
        f.write(" ")
    (tampered / "weights.h5").unlink()
    (tampered / "notes.txt").write_text("not listed\n")
    return [
        {"folder": valid.name, "expect": "valid", "description": "config.json, weights.h5 and tokenizer.json"},
        {"folder": tampered.name, "expect": "mismatch",
         "description": "manifest_valid with a changed byte, an appended byte, a deleted and an added file",
         "mismatches": {"config.json": "sha256", "tokenizer.json": "size", "weights.h5": "missing",
                        "notes.txt": "unlisted"}},
    ]


def write_swift_writer_files():
    """Runs the Swift test that writes the Swift writer's files from cases.json, then reads them back with h5py."""
    command = ["swift", "test", "--filter", "swiftWriterReproducesItsConformanceFile"]
    if os.environ.get("SWIFT_SCRATCH_PATH"):
        command += ["--scratch-path", os.environ["SWIFT_SCRATCH_PATH"]]
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "ZOO_REGENERATE_CONFORMANCE": "1"})
    for file, tensors in [(SWIFT_WRITER_FILE, SWIFT_WRITER_TENSORS),
                          (SWIFT_WRITER_QUANTIZED_FILE, SWIFT_WRITER_QUANTIZED_TENSORS)]:
        with h5py.File(CONFORMANCE / file, "r") as f:
            assert f.attrs["zoo_format"] == b"zoo-checkpoint" and f.attrs["zoo_format_version"] == 1
            assert sorted(f.keys()) == sorted(t["name"] for t in tensors)
            for t in tensors:
                check_written_tensor(f[t["name"]], t)


def check_written_tensor(dataset, t):
    assert dataset.attrs["zoo_dtype"] == t["dtype"].encode()
    assert dataset.id.get_create_plist().get_layout() == h5py.h5d.CONTIGUOUS
    assert dataset.size == 0 or dataset.id.get_offset() % ALIGNMENT == 0
    if t["dtype"] in BLOCK_TYPES:
        qtype, block_bytes = BLOCK_TYPES[t["dtype"]]
        count = int(np.prod(t["shape"]))
        assert list(dataset.attrs["zoo_shape"]) == t["shape"] and dataset.attrs["zoo_block_size"] == 32
        assert dataset.dtype == np.uint8 and dataset.shape == (count // 32 * block_bytes,)
        decoded = dequantize(dataset[()], qtype).reshape(-1) if count else np.zeros(0, dtype="<f4")
        assert np.array_equal(decoded, np.array(t["values"], dtype="<f4")), t["name"]
        return
    assert list(dataset.shape) == t["shape"]
    # h5py reads bfloat16 (a float type numpy lacks) as float32, which holds every bfloat16 value exactly.
    expected = stored(t["values"], t["shape"], t["dtype"])
    if t["dtype"] == "bfloat16":
        expected = (expected.astype("<u4") << 16).view("<f4")
    assert np.array_equal(dataset[()], expected), t["name"]


def write_safetensors_fixtures():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    tensors = {
        "a.float32": torch.tensor([[1.0, -2.0, 0.5], [3.25, -0.125, 96.0]], dtype=torch.float32),
        "b.float16": torch.tensor([0.5, -0.75, 65504.0], dtype=torch.float16),
        "c.bfloat16": torch.tensor([[1.0, -2.0], [3.0e38, 0.25]], dtype=torch.bfloat16),
        "scalar": torch.tensor(2.5, dtype=torch.float32),
        "empty": torch.zeros((0, 2), dtype=torch.float16),
    }
    # One metadata key: safetensors orders several at random, which would make the file differ between runs.
    save_torch(tensors, str(FIXTURES / "mixed_dtypes.safetensors"), metadata={"format": "pt"})
    save_numpy({"fine": np.ones(2, dtype="<f4"), "quantized": np.array([1, -2, 3], dtype="<i1")},
               str(FIXTURES / "int8_tensor.safetensors"))
    for path in FIXTURES.glob("*.safetensors"):
        path.chmod(0o644)  # safetensors creates its files readable by the owner only


def main():
    shutil.rmtree(CONFORMANCE, ignore_errors=True)
    CONFORMANCE.mkdir(parents=True)
    weights = valid_cases()
    weights += invalid_cases()
    cases = {"format": "zoo-checkpoint-conformance", "version": 1, "weights": weights, "manifests": manifest_cases()}
    text = json.dumps(cases, indent=2)
    # Lists of numbers (shapes, values) on one line each.
    text = re.sub(r"\[\s+([-+0-9.e,\s]*?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    (CONFORMANCE / "cases.json").write_text(text + "\n")
    write_safetensors_fixtures()
    write_swift_writer_files()
    print("wrote %d weights cases and %d manifest cases to %s" % (len(weights), len(cases["manifests"]), CONFORMANCE))


if __name__ == "__main__":
    main()
