#!/usr/bin/env bash
# The README's second command: installs what the tests need and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/install-system-packages.sh
# The real models' tests (SmolLM2, MiniLM) need their files; without them they say that they skipped.
Tools/fetch-real-models.sh
# Optimized, as `zoo` is built: the tests that decode allocates nothing hold for optimized code only, and the suite
# runs faster. -enable-testing keeps the tests' @testable imports working; the own scratch folder keeps this build
# from replacing Tools/setup.sh's.
build=(-c release -Xswiftc -enable-testing --scratch-path .build/tests)
swift build "${build[@]}" --build-tests
# The tests' temporary folders, and the tokenizer cache that loading a model writes (Formats/tokenizer-cache-v2.md),
# go into one folder of this run's, removed at the end.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch" XDG_CACHE_HOME="$scratch/cache"
swift test "${build[@]}" --skip-build
