#!/usr/bin/env bash
# The README's second command: installs what the tests need and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/install-system-packages.sh
# The real models' tests (SmolLM2, MiniLM) need their files; without them they say that they skipped.
Tools/fetch-real-models.sh
swift build --build-tests
# Loading a model writes the tokenizer cache (Formats/tokenizer-cache-v1.md): the tests get a cache of their own.
XDG_CACHE_HOME="$(mktemp -d)"
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
swift test --skip-build
