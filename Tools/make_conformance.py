#!/usr/bin/env python3
"""Generates the zoo checkpoint v1 conformance files (Formats/conformance/) and the safetensors fixtures of the
ZooFormats tests (Tests/ZooFormatsTests/Fixtures/).

Run from anywhere with the reference environment: Tools/.venv/bin/python Tools/make_conformance.py
The output is deterministic. One valid weights file comes from the Swift writer: the script runs the Swift test that
writes it (swift must be on PATH), then checks that h5py reads it as cases.json says.
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
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "Formats" / "conformance"
FIXTURES = ROOT / "Tests" / "ZooFormatsTests" / "Fixtures"
SWIFT_WRITER_FILE = "valid_swift_writer.h5"

# Library version bounds and data alignment the spec requires (Formats/zoo-checkpoint-v1.md).
LIBVER = ("v108", "v110")
ALIGNMENT = 64


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

    result = [{"file": name, "expect": "valid", "description": description, "tensors": tensors}
              for name, description, tensors, _ in cases]
    result.append({"file": SWIFT_WRITER_FILE, "expect": "valid", "writer": "swift",
                   "description": "written by ZooWeightsWriter with the tensors in this order (the Swift test "
                                  "swiftWriterReproducesItsConformanceFile regenerates and compares it)",
                   "tensors": SWIFT_WRITER_TENSORS})
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


def write_swift_writer_file():
    """Runs the Swift test that writes valid_swift_writer.h5 from cases.json, then reads the file back with h5py."""
    subprocess.run(["swift", "test", "--filter", "swiftWriterReproducesItsConformanceFile"], cwd=ROOT, check=True,
                   env={**os.environ, "ZOO_REGENERATE_CONFORMANCE": "1"})
    with h5py.File(CONFORMANCE / SWIFT_WRITER_FILE, "r") as f:
        assert f.attrs["zoo_format"] == b"zoo-checkpoint" and f.attrs["zoo_format_version"] == 1
        assert sorted(f.keys()) == sorted(t["name"] for t in SWIFT_WRITER_TENSORS)
        for t in SWIFT_WRITER_TENSORS:
            dataset = f[t["name"]]
            assert list(dataset.shape) == t["shape"] and dataset.attrs["zoo_dtype"] == t["dtype"].encode()
            assert dataset.id.get_create_plist().get_layout() == h5py.h5d.CONTIGUOUS
            assert dataset.size == 0 or dataset.id.get_offset() % ALIGNMENT == 0
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
    write_swift_writer_file()
    print("wrote %d weights cases and %d manifest cases to %s" % (len(weights), len(cases["manifests"]), CONFORMANCE))


if __name__ == "__main__":
    main()
