#!/usr/bin/env bash
# Mutation testing of the code behind docs/reliability.md's promises (issue #18 point 7).
#
#   scripts/mutants.sh                 # every listed file, one after the other
#   scripts/mutants.sh crates/mutagent-core/src/retry.rs ...   # only these files
#
# Needs cargo-mutants (`cargo install cargo-mutants --locked`). It is slow (a build and the
# package's tests per mutant: about half a minute each on 2 cores), so CI does not run it.
# It works on a copy of the tree (cargo-mutants' default), with one job, a 60 s timeout per
# test run, and without the doc tests (`--lib --tests`), which catch nothing here and cost the
# most. Results: mutants.out/<file>/{caught,missed,timeout,unviable}.txt; every survivor must
# be killed by a test or explained in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants >/dev/null; then
    echo "cargo-mutants is not installed: cargo install cargo-mutants --locked" >&2
    exit 2
fi

FILES=(
    crates/mutagent-core/src/transport.rs
    crates/mutagent-core/src/retry.rs
    crates/mutagent-core/src/decode.rs
    crates/mutagent-core/src/secret.rs
    crates/mutagent-core/src/url.rs
    crates/mutagent-core/src/config.rs
    crates/mutagent-core/src/builder.rs
    crates/mutagent-prompt-datasets/src/export.rs
    crates/mutagent-prompt-datasets/src/safe_file.rs
    crates/mutagent-prompt-datasets/src/file/formula.rs
    crates/mutagent-prompt-datasets/src/upload.rs
)
if [ "$#" -gt 0 ]; then
    FILES=("$@")
fi

for file in "${FILES[@]}"; do
    out="mutants.out/$(echo "$file" | tr '/' '_')"
    mkdir -p "$out"
    echo "=== $file"
    # cargo-mutants exits non-zero when a mutant survives; go on to the next file.
    cargo mutants --jobs 1 --timeout 60 --output "$out" --file "$file" -- --lib --tests || true
    for kind in caught missed timeout unviable; do
        printf '%-9s %s\n' "$kind" "$(wc -l < "$out/mutants.out/$kind.txt")"
    done
done
