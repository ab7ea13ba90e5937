#!/usr/bin/env bash
# Mutation testing of the code behind docs/reliability.md's promises (issue #18 point 7).
#
#   scripts/mutants.sh                 # every listed file, in one cargo-mutants run
#   scripts/mutants.sh crates/mutagent-core/src/retry.rs ...   # only these files
#   MUTANTS_OUT=/tmp/mutants scripts/mutants.sh                 # results elsewhere
#
# Needs cargo-mutants (`cargo install cargo-mutants --locked`). It is slow (a build and the
# mutated package's tests per mutant: 5 to 30 s each on 2 cores, about 1,600 mutants), so CI
# does not run it. It works on a copy of the tree (cargo-mutants' default) with one job, all
# features, a 60 s timeout per test run, and without the doc tests (`--lib --tests`), which
# catch nothing here and cost the most; each mutant is tested with its own package's tests
# only. Set CARGO_TARGET_DIR to a warm target directory to skip building the dependencies
# again, but build nothing else in that directory while the run goes: cargo names the copy's
# artifacts as the tree's, so a test run of yours can replace the test binary a mutant is
# about to run (its figure is then false; it happened once, docs/reliability.md §12). Do not
# edit this script while it runs either: bash reads it as it goes.
# Results: $MUTANTS_OUT/mutants.out/{caught,missed,timeout,unviable}.txt (default
# ./mutants.out, ignored by git) and a table by file; every survivor must be killed by a test
# or explained in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants >/dev/null; then
    echo "cargo-mutants is not installed: cargo install cargo-mutants --locked" >&2
    exit 2
fi

FILES=(
    crates/mutagent-core/src/transport.rs
    crates/mutagent-core/src/body.rs
    crates/mutagent-core/src/retry.rs
    crates/mutagent-core/src/decode.rs
    crates/mutagent-core/src/decode/json_path.rs
    crates/mutagent-core/src/secret.rs
    crates/mutagent-core/src/url.rs
    crates/mutagent-core/src/config.rs
    crates/mutagent-core/src/builder.rs
    crates/mutagent-core/src/pagination.rs
    crates/mutagent-core/src/query.rs
    crates/mutagent-core/src/request.rs
    crates/mutagent-core/src/polling.rs
    crates/mutagent-core/src/steps.rs
    crates/mutagent-core/src/env.rs
    crates/mutagent-core/src/token.rs
    crates/mutagent-core/src/proxy.rs
    crates/mutagent-core/src/tls.rs
    crates/mutagent-core/src/connector.rs
    crates/mutagent-prompt-datasets/src/export.rs
    crates/mutagent-prompt-datasets/src/csv_files.rs
    crates/mutagent-prompt-datasets/src/safe_file.rs
    crates/mutagent-prompt-datasets/src/file/formula.rs
    crates/mutagent-prompt-datasets/src/upload.rs
    crates/mutagent-prompt-datasets/src/file/json.rs
    crates/mutagent-prompt-datasets/src/file/lines.rs
    crates/mutagent-prompt-datasets/src/file/record.rs
    crates/mutagent-prompt-datasets/src/file/csv_columns.rs
    crates/mutagent-prompt-datasets/src/file/csv.rs
    crates/mutagent-traces/src/v0_4/walk.rs
    crates/mutagent-trace-exporter/src/exporter/sender.rs
    crates/mutagent-trace-exporter/src/exporter/handle.rs
    crates/mutagent-trace-exporter/src/exporter/stats.rs
    crates/mutagent-trace-exporter/src/exporter/control.rs
    crates/mutagent-trace-exporter/src/exporter/builder.rs
    crates/mutagent-trace-exporter/src/span.rs
    crates/mutagent-trace-exporter/src/layer.rs
    crates/mutagent-trace-exporter/src/ids.rs
    crates/mutagent-trace-exporter/src/otlp.rs
    crates/mutagent-opentelemetry/src/convert.rs
    crates/mutagent-opentelemetry/src/exporter.rs
    crates/mutagent-opentelemetry/src/resource.rs
    crates/mutagent-optimization/src/watch.rs
    crates/mutagent-prompt-evaluations/src/wait.rs
    crates/mutagent-experiments/src/lenient.rs
)
if [ "$#" -gt 0 ]; then
    FILES=("$@")
fi
OUT="${MUTANTS_OUT:-mutants.out}"

# One run for all files (one baseline build and test, not one per file).
args=()
for file in "${FILES[@]}"; do
    args+=(--file "$file")
done
# cargo-mutants exits non-zero when a mutant survives; the table below says what happened.
# --all-features: code behind an opt-in feature (gzip in body.rs, the CSV files of datasets) is compiled, and its tests
# run, only with the feature on; without it its mutants would survive without being tested.
cargo mutants --jobs 1 --timeout 60 --all-features --output "$OUT" "${args[@]}" -- --lib --tests || true

printf '%-56s %7s %7s %8s %9s\n' file caught missed timeout unviable
for file in "${FILES[@]}"; do
    counts=()
    for kind in caught missed timeout unviable; do
        counts+=("$(grep -c "^$file:" "$OUT/mutants.out/$kind.txt" || true)")
    done
    printf '%-56s %7s %7s %8s %9s\n' "$file" "${counts[@]}"
done
