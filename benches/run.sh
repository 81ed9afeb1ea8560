#!/usr/bin/env bash
# The benchmarks of `ras run` on the Shire reference scenario, as a table, then `ras check`:
#   (a) evaluation alone (bench binary eval_speed);
#   (b) `ras run`, N sampled cases, CSV to CSV, one thread: wall time and peak memory;
#   (c) the hand-written Shire program (benches/shire_handwritten.rs) on the same file.
# Usage: benches/run.sh [N]   (default 1,000,000). Needs /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin ras --example shire_handwritten
ras=target/release/ras
hand=target/release/examples/shire_handwritten
columns=case_id,points,net_points,gross,contingency,indicative,annual,reasonable_offer_review,route

eval_line=$(cargo bench --quiet --bench eval_speed 2>/dev/null | grep '^eval_speed:')
"$ras" sample rules/shire-2025.ras -n "$n" --seed 2025 -o "$work/cases.csv"

best() { # best of three runs: prints "seconds kilobytes"
  local out=$1; shift
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    cat "$work/time"
  done | sort -n | head -n 1
  : "$out"
}
read -r ras_s ras_kb < <(best ras "$ras" run rules/shire-2025.ras --cases "$work/cases.csv" -o "$work/ras.csv" --columns "$columns" --quiet)
read -r hand_s hand_kb < <(best hand "$hand" "$work/cases.csv" "$work/hand.csv")
if cmp -s "$work/ras.csv" "$work/hand.csv"; then same="identical"; else same="DIFFERENT"; fi

printf '\nShire RAS 2025, %s cases, %s (%s cores)\n\n' "$n" "$(uname -m)" "$(nproc)"
printf '| benchmark | result |\n|---|---|\n'
printf '| (a) evaluation alone | %s |\n' "${eval_line#eval_speed: }"
printf '| (b) ras run, CSV to CSV, 1 thread | %s s wall, %s MiB peak |\n' "$ras_s" "$((ras_kb / 1024))"
printf '| (c) hand-written program, same file | %s s wall, %s MiB peak |\n' "$hand_s" "$((hand_kb / 1024))"
printf '| ras run / hand-written | %s x |\n' "$(awk -v a="$ras_s" -v b="$hand_s" 'BEGIN { printf "%.2f", a / b }')"
printf '| outputs of (b) and (c) | %s |\n' "$same"

# (d) `ras check` on files with many problems (bench binary check_speed): each under a second.
printf '\nras check, files with many problems\n\n'
cargo bench --quiet --bench check_speed 2>/dev/null
