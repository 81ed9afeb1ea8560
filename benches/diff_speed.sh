#!/usr/bin/env bash
# `ras diff --cases` against `ras run` on the Shire reference scenario: Shire
# against a changed Shire (price per point +3%, one band edge moved), over N
# sampled cases, one thread: wall time and peak memory of each, and the ratio
# (the target is within 2.5x of one `ras run`, under 64 MiB).
# Usage: benches/diff_speed.sh [N]   (default 1,000,000). Needs /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin ras
ras=target/release/ras
"$ras" sample rules/shire-2025.ras -n "$n" --seed 2025 -o "$work/cases.csv"
sed -e 's/older_people £4.88\/pt/older_people £5.03\/pt/' \
    -e 's/working_age  £5.20\/pt/working_age  £5.36\/pt/' \
    -e 's/£100 to £300:   15%/£100 to £320:   15%/' \
    -e 's/£300 to £600:   10%/£320 to £600:   10%/' \
    rules/shire-2025.ras > "$work/shire-changed.ras"
if cmp -s rules/shire-2025.ras "$work/shire-changed.ras"; then
  echo "the changed Shire is the same as Shire: the rule file no longer has the figures this script changes" >&2
  exit 1
fi

best() { # best of three runs: prints "seconds kilobytes"
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    cat "$work/time"
  done | sort -n | head -n 1
}
read -r run_s run_kb < <(best "$ras" run rules/shire-2025.ras --cases "$work/cases.csv" -o "$work/run.csv" --quiet)
read -r diff_s diff_kb < <(best "$ras" diff rules/shire-2025.ras "$work/shire-changed.ras" --cases "$work/cases.csv" --report "$work/report.json")
read -r split_s split_kb < <(best "$ras" diff rules/shire-2025.ras "$work/shire-changed.ras" --cases "$work/cases.csv" --report "$work/report.json" --per-case "$work/people.csv")

printf '\nras diff, Shire against a changed Shire, %s cases, %s (%s cores)\n\n' "$n" "$(uname -m)" "$(nproc)"
printf '| benchmark | result |\n|---|---|\n'
printf '| ras run, 1 thread | %s s wall, %s MiB peak |\n' "$run_s" "$((run_kb / 1024))"
printf '| ras diff --cases | %s s wall, %s MiB peak |\n' "$diff_s" "$((diff_kb / 1024))"
printf '| ras diff --cases --per-case (each change split) | %s s wall, %s MiB peak |\n' "$split_s" "$((split_kb / 1024))"
printf '| ras diff / ras run | %s x |\n' "$(awk -v a="$diff_s" -v b="$run_s" 'BEGIN { printf "%.2f", a / b }')"
