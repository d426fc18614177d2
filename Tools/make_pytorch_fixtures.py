"""Builds the PyTorch checkpoint fixtures: pytorch_model.bin files of the tiny models, a sharded one, files that
exercise the reader (views of shared storages, every pickle protocol, big-endian data, ZIP64) and files it must
refuse (malicious pickles, the legacy format, compressed entries, bad strides, an unknown opcode).

Run with the reference stack (Tools/reference-env.sh) after the other fixture generators, whose tiny models the
.bin files re-save:

    Tools/.venv/bin/python Tools/make_pytorch_fixtures.py
    Tools/.venv/bin/python Tools/make_pytorch_fixtures.py --large DIR   # a GPT-2 124M-shaped model in 4 shards

Writes Tests/ZooTests/Fixtures/pytorch/ (model checkpoints for conversion tests) and
Tests/ZooFormatsTests/Fixtures/pytorch/ (reader tests, with views.expected.json). Deterministic: a second run writes
the same bytes, except legacy.bin, whose format keys storages by memory address. Every malicious file is checked
here to really run its command under torch.load(weights_only=False).
"""
import argparse
import collections
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import (AutoModelForMaskedLM, GPT2Config, GPT2LMHeadModel, LlamaForCausalLM)

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "Tests/ZooTests/Fixtures"
MODEL_OUT = MODELS / "pytorch"
READER_OUT = ROOT / "Tests/ZooFormatsTests/Fixtures/pytorch"


# ---------------------------------------------------------------------------------------------------------------
# Hand-made archives: the layout torch.save writes, with a pickle and storages of our choosing.

class FakeStorage:
    """Stands for a storage in a hand-made pickle: written as torch's persistent id."""

    def __init__(self, storage_type, key, numel):
        self.storage_type, self.key, self.numel = storage_type, key, numel


class FakeTensor:
    """Pickles as torch pickles a tensor: _rebuild_tensor_v2 over a storage, with any offset, sizes and strides."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2,
                (self.storage, self.offset, tuple(self.size), tuple(self.stride), False, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


def torch_pickle(obj, protocol=2):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=protocol).dump(obj)
    return buffer.getvalue()


def write_archive(path, pickle_bytes, storages, prefix="archive", byteorder="little",
                  compression=zipfile.ZIP_STORED):
    """A torch.save-style zip: <prefix>/data.pkl, <prefix>/byteorder, <prefix>/data/<key>, <prefix>/version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        def add(name, data):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
        add("data.pkl", pickle_bytes)
        if byteorder is not None:
            add("byteorder", byteorder)
        for key, data in storages.items():
            add(f"data/{key}", data)
        add("version", "3\n")


def rewrite_archive(source, path, prefix=None, compression=zipfile.ZIP_STORED, edit=None):
    """Copies a torch.save archive entry by entry under another top folder or compression; `edit` may change the
    entries (a dict of name below the top folder -> bytes) on the way."""
    with zipfile.ZipFile(source) as archive:
        top = archive.namelist()[0].split("/")[0]
        entries = {name[len(top) + 1:]: archive.read(name) for name in archive.namelist()}
    if edit:
        edit(entries)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(f"{prefix or top}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)


def save(obj, path, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(obj, path, **options)


# ---------------------------------------------------------------------------------------------------------------
# Reader fixtures.

def views_state_dict():
    """Tensors that share storages through views: transposed, sliced, strided, expanded, of every float type."""
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 4 - 2
    half = torch.tensor([0.5, -1.25, 65504.0, 6.1e-5, -0.0], dtype=torch.float16)
    brain = (torch.arange(12, dtype=torch.float32).reshape(2, 3, 2) * 1.5 - 7).to(torch.bfloat16)
    state = collections.OrderedDict()
    state["matrix"] = base
    state["transposed"] = base.t()
    state["slice"] = base[1:3, 2:5]
    state["column"] = base[:, 1]
    state["every_other"] = base[::2, ::3]
    state["expanded"] = torch.tensor([1.5, -2.0]).expand(3, 2)
    state["half"] = half
    state["half_tail"] = half[2:]
    state["bfloat"] = brain
    state["bfloat_permuted"] = brain.permute(2, 0, 1)
    state["scalar"] = torch.tensor(3.25)
    state["empty"] = torch.zeros(0, 3)
    state["ids"] = torch.arange(5)
    state["parameter"] = torch.nn.Parameter(torch.tensor([0.5, 0.25]))
    return state


def expected(state):
    out = {}
    for name, tensor in state.items():
        if tensor.dtype in (torch.float32, torch.float16, torch.bfloat16):
            out[name] = {"dtype": str(tensor.dtype).removeprefix("torch."), "shape": list(tensor.shape),
                         "values": [float(v) for v in tensor.detach().float().reshape(-1)]}
        else:
            out[name] = {"unreadable": str(tensor.dtype).removeprefix("torch.")}
    return out


def byteswapped(entries):
    """The entries of the views archive as a big-endian machine writes them: byteorder "big" and every storage's
    elements byte-reversed."""
    sizes = storage_element_sizes()
    for name in list(entries):
        if name.startswith("data/"):
            size, data = sizes[name.removeprefix("data/")], entries[name]
            entries[name] = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
    entries["byteorder"] = b"big"


def storage_element_sizes():
    """Element size per storage key of the views state dict, in the order torch.save numbers its storages."""
    sizes, seen = {}, {}
    for tensor in views_state_dict().values():
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in seen:
            seen[storage.data_ptr()] = str(len(seen))
            sizes[seen[storage.data_ptr()]] = tensor.element_size()
    return sizes


def make_reader_fixtures():
    shutil.rmtree(READER_OUT, ignore_errors=True)
    READER_OUT.mkdir(parents=True)
    state = views_state_dict()
    (READER_OUT / "views.expected.json").write_text(json.dumps(expected(state), indent=1) + "\n")
    for protocol in (2, 3, 4, 5):
        save(state, READER_OUT / f"views-p{protocol}.bin", pickle_protocol=protocol)
    views = READER_OUT / "views-p2.bin"
    rewrite_archive(views, READER_OUT / "views-archive-folder.bin", prefix="archive")
    rewrite_archive(views, READER_OUT / "views-big-endian.bin", edit=byteswapped)
    rewrite_archive(views, READER_OUT / "views-no-byteorder.bin", edit=lambda e: e.pop("byteorder"))
    make_zip64(views, READER_OUT / "views-zip64.bin")
    for name in ("views-archive-folder.bin", "views-big-endian.bin", "views-no-byteorder.bin", "views-zip64.bin"):
        loaded = torch.load(READER_OUT / name, weights_only=True)
        assert all(torch.equal(loaded[k], v) for k, v in state.items()), name

    # Refused files.
    save({"w": torch.ones(2)}, READER_OUT / "legacy.bin", _use_new_zipfile_serialization=False)
    rewrite_archive(views, READER_OUT / "compressed.bin", compression=zipfile.ZIP_DEFLATED)
    rewrite_archive(views, READER_OUT / "unknown-opcode.bin",
                    edit=lambda e: e.update({"data.pkl": e["data.pkl"][:2] + b"\xff" + e["data.pkl"][2:]}))
    storage = FakeStorage(torch.FloatStorage, "0", 12)
    floats = torch.arange(12, dtype=torch.float32).numpy().tobytes()
    write_archive(READER_OUT / "strides-past-storage.bin",
                  torch_pickle({"w": FakeTensor(storage, 0, (3, 4), (5, 1))}), {"0": floats})
    write_archive(READER_OUT / "storage-size-mismatch.bin",
                  torch_pickle({"w": FakeTensor(FakeStorage(torch.FloatStorage, "0", 16), 0, (3, 4), (4, 1))}),
                  {"0": floats})
    write_archive(READER_OUT / "expanded-too-far.bin",
                  torch_pickle({"w": FakeTensor(FakeStorage(torch.FloatStorage, "0", 1), 0, (1 << 20, 1 << 20), (0, 0))}),
                  {"0": floats[:4]})
    write_archive(READER_OUT / "missing-storage.bin",
                  torch_pickle({"w": FakeTensor(storage, 0, (3, 4), (4, 1))}), {})
    write_archive(READER_OUT / "not-a-state-dict.bin", torch_pickle([FakeTensor(storage, 0, (12,), (1,))]),
                  {"0": floats})
    for name in ("strides-past-storage.bin", "storage-size-mismatch.bin", "missing-storage.bin"):
        try:
            torch.load(READER_OUT / name, weights_only=True)
        except Exception:
            continue
        raise AssertionError(f"torch.load accepted {name}")
    make_malicious(READER_OUT)


def make_zip64(source, path):
    """The same archive with ZIP64 records throughout (zip64 extra fields, the ZIP64 end of central directory), as
    torch.save writes for files over 4 GB; Python's zipfile writes them when its limits are lowered."""
    limit, count = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    try:
        rewrite_archive(source, path)
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = limit, count
    with open(path, "rb") as file:
        assert b"PK\x06\x06" in file.read(), "no ZIP64 end record written"


# ---------------------------------------------------------------------------------------------------------------
# Malicious pickles: each would run `touch <marker>` when loaded by pickle, and is checked here to do so.

MARKER_FOLDER = "/tmp"


def marker(name):
    return f"{MARKER_FOLDER}/zoo-pickle-ran-{name}"


class RunsCommand:
    """What an attacker pickles: an object whose reconstruction calls a function of their choosing."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return (self.function, self.args)


def malicious_pickles():
    import builtins
    return {
        # os.system, which pickle names posix.system on Linux, as the whole file (protocol 2, GLOBAL).
        "os-system": pickle.dumps(RunsCommand(os.system, f"touch {marker('os-system')}"), protocol=2),
        # builtins.eval reached through STACK_GLOBAL (protocol 4).
        "builtins-eval": pickle.dumps(
            RunsCommand(builtins.eval, f"__import__('os').system('touch {marker('builtins-eval')}')"), protocol=4),
        # subprocess.Popen hidden as one value of an otherwise plain state dict; protocol 2 names it by its
        # Python 2 module, commands.Popen, which Python 3 maps back when loading.
        "subprocess-in-state-dict": torch_pickle(collections.OrderedDict(
            [("w", FakeTensor(FakeStorage(torch.FloatStorage, "0", 2), 0, (2,), (1,))),
             ("b", RunsCommand(subprocess.Popen, ["touch", marker("subprocess-in-state-dict")]))])),
        # The INST opcode, which names its class inline and calls it with the values above its mark.
        "inst-os-system": inst_pickle("os", "system", f"touch {marker('inst-os-system')}"),
    }


def inst_pickle(module, name, argument):
    """MARK, the argument as BINUNICODE, INST module name, STOP: Python's pickle calls module.name(argument)."""
    text = argument.encode()
    return b"(X" + struct.pack("<I", len(text)) + text + f"i{module}\n{name}\n".encode() + b"."


def make_malicious(out):
    for name, data in malicious_pickles().items():
        path = out / f"malicious-{name}.bin"
        write_archive(path, data, {"0": torch.ones(2).numpy().tobytes()})
        check_runs_under_torch(path, marker(name))


def check_runs_under_torch(path, marker_path):
    """Loads `path` with torch.load(weights_only=False) in a child process: the marker must appear."""
    Path(marker_path).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-c", f"import torch; torch.load({str(path)!r}, weights_only=False)"],
                   capture_output=True)
    assert Path(marker_path).exists(), f"{path} did not run its command under torch.load"
    Path(marker_path).unlink()


# ---------------------------------------------------------------------------------------------------------------
# Model checkpoints, re-saved from the safetensors fixtures as transformers 4 saved pytorch_model.bin: the whole
# state dict through torch.save, tied weights sharing one storage.

def make_model_fixtures():
    shutil.rmtree(MODEL_OUT, ignore_errors=True)
    MODEL_OUT.mkdir(parents=True)
    gpt2 = GPT2LMHeadModel.from_pretrained(MODELS / "tiny-gpt2", dtype=torch.float32)
    state = gpt2.state_dict()
    assert state["lm_head.weight"].data_ptr() == state["transformer.wte.weight"].data_ptr()
    save(state, MODEL_OUT / "tiny-gpt2.bin")
    bert = AutoModelForMaskedLM.from_pretrained(MODELS / "tiny-bert", dtype=torch.float32)
    save(bert.state_dict(), MODEL_OUT / "tiny-bert.bin")
    llama = LlamaForCausalLM.from_pretrained(MODELS / "tiny-llama-tied-bf16", dtype=torch.bfloat16)
    save(llama.state_dict(), MODEL_OUT / "tiny-llama-tied-bf16.bin")
    gpt2_f16 = GPT2LMHeadModel.from_pretrained(MODELS / "tiny-gpt2-untied-f16", dtype=torch.float16)
    save_sharded(gpt2_f16.state_dict(), MODEL_OUT / "tiny-gpt2-untied-f16-sharded", shards=3, form="bin")
    write_archive(MODEL_OUT / "malicious-os-system.bin", malicious_pickles()["os-system"], {})
    check_runs_under_torch(MODEL_OUT / "malicious-os-system.bin", marker("os-system"))


def split(state, shards):
    """Consecutive groups of about equal bytes, tensors that share a storage kept together, as transformers'
    shard_checkpoint did."""
    groups, seen = [], {}
    for name, tensor in state.items():
        key = tensor.untyped_storage().data_ptr()
        if key in seen:
            seen[key].append(name)
        else:
            seen[key] = [name]
            groups.append(seen[key])
    total = sum(state[g[0]].untyped_storage().nbytes() for g in groups)
    result, current, size = [], [], 0
    for group in groups:
        current += group
        size += state[group[0]].untyped_storage().nbytes()
        if size >= total * (len(result) + 1) / shards and len(result) < shards - 1:
            result.append(current)
            current = []
    result.append(current)
    return [r for r in result if r]


SHARD_FORMS = {
    "bin": ("pytorch_model-{:05d}-of-{:05d}.bin", "pytorch_model.bin.index.json",
            lambda tensors, path: torch.save(tensors, path)),
    "safetensors": ("model-{:05d}-of-{:05d}.safetensors", "model.safetensors.index.json",
                    lambda tensors, path: save_file({k: v.contiguous() for k, v in tensors.items()}, path,
                                                    metadata={"format": "pt"})),
}


def save_sharded(state, folder, shards, form):
    """Shards and an index as transformers' save_pretrained writes them, in `form` "bin" or "safetensors"."""
    pattern, index_name, write = SHARD_FORMS[form]
    folder.mkdir(parents=True, exist_ok=True)
    groups = split(state, shards)
    weight_map, total = {}, 0
    for index, names in enumerate(groups):
        file = pattern.format(index + 1, len(groups))
        write({name: state[name] for name in names}, folder / file)
        for name in names:
            weight_map[name] = file
            total += state[name].numel() * state[name].element_size()
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / index_name).write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def make_large(folder):
    """A random GPT-2 124M-shaped model (float32, about 500 MB) as two Hugging Face folders, one with 4
    pytorch_model.bin shards and one with 4 safetensors shards, for measuring a sharded conversion's memory. The
    tokenizer is the tiny fixture's: only the weights matter here."""
    config = GPT2Config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config).eval()
    state = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}
    for form in SHARD_FORMS:
        out = Path(folder) / f"gpt2-124m-sharded-{form}"
        shutil.rmtree(out, ignore_errors=True)
        save_sharded(state, out, shards=4, form=form)
        config.save_pretrained(out)
        for file in ("tokenizer.json", "vocab.json", "merges.txt"):
            shutil.copy(MODELS / "tiny-gpt2" / file, out / file)
        print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", metavar="DIR", help="write the 124M-shaped sharded model into DIR instead")
    arguments = parser.parse_args()
    if arguments.large:
        make_large(arguments.large)
    else:
        make_reader_fixtures()
        make_model_fixtures()
        print(f"wrote {READER_OUT} and {MODEL_OUT}")
