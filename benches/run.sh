#!/usr/bin/env bash
# The benchmarks of `ras run` on the Shire reference scenario, as a table:
#   the yardstick (the Shire computation written by hand, ../shared/yardstick,
#   built with its own release profile) and `ras run` on the same sampled
#   caseload: CSV on 1 and 2 threads, JSON Lines, .xlsx in and out; wall time
#   and peak memory (GNU time %M). Runs are alternated (yardstick, ras, …) so
#   that the noise of a shared machine falls on both; medians are printed, and
#   the ras/yardstick ratio is the median of the ratios of each pair.
# Then evaluation alone (bench eval_speed) and `ras check` (bench check_speed).
# Usage: benches/run.sh [N] (default 1,000,000 cases). PAIRS (default 5) sets
# the rounds; YARDSTICK the yardstick's folder. Needs /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
pairs=${PAIRS:-5}
yardstick=${YARDSTICK:-../shared/yardstick/shire-handwritten}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin ras --example caseload_xlsx
cargo build --release --locked --quiet --manifest-path "$yardstick/Cargo.toml" --target-dir target/yardstick
ras=target/release/ras
yard=target/yardstick/release/shire-handwritten
rules=rules/shire-2025.ras
columns=case_id,points,net_points,gross,contingency,indicative,annual,reasonable_offer_review,route

"$ras" sample "$rules" -n "$n" --seed 2025 -o "$work/cases.csv"
"$ras" sample "$rules" -n "$n" --seed 2025 -o "$work/cases.jsonl"
target/release/examples/caseload_xlsx "$work/cases.csv" "$work/cases.xlsx"
load_before=$(uptime | sed 's/.*load average: //')

# timed NAME COMMAND…: runs it once, adding "seconds kilobytes" to NAME's list.
timed() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  cat "$work/time" >> "$work/$name.times"
}
run() { # run NAME CASES OUT [ras run options…]
  local name=$1 cases=$2 out=$3; shift 3
  timed "$name" "$ras" run "$rules" --cases "$work/$cases" -o "$work/$out" --columns "$columns" --quiet "$@"
}
median_of() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
seconds() { cut -d' ' -f1 "$work/$1.times" | median_of; }
peak_mib() { cut -d' ' -f2 "$work/$1.times" | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }
# The median over rounds of A's time over B's.
ratio() { paste -d' ' "$work/$1.times" "$work/$2.times" | awk '{ print $1 / $3 }' | median_of | awk '{ printf "%.2f", $1 }'; }
verdict() { awk -v x="$1" -v op="$2" -v bound="$3" 'BEGIN { ok = (op == "<=") ? x <= bound : x >= bound; print ok ? "met" : "missed" }'; }

for _ in $(seq "$pairs"); do
  timed yard "$yard" "$work/cases.csv" "$work/yard.csv"
  run ras1 cases.csv ras1.csv
  timed yard2 "$yard" "$work/cases.csv" "$work/yard.csv"
  run ras2 cases.csv ras2.csv --threads 2
  run jsonl1 cases.jsonl jsonl1.csv
  run csv1 cases.csv csv1.csv
  run jsonl2 cases.jsonl jsonl2.csv --threads 2
done
for _ in 1 2 3; do
  run xlsx_in cases.xlsx xlsx_in.csv
  run xlsx_csv cases.csv xlsx_csv.csv
  run xlsx_out cases.csv out.xlsx
done
load_after=$(uptime | sed 's/.*load average: //')

same=identical
for f in ras1 ras2 jsonl1 jsonl2 xlsx_in; do
  cmp -s "$work/$f.csv" "$work/yard.csv" || same="DIFFERENT ($f)"
done

r1=$(ratio ras1 yard)
speedup=$(ratio ras1 ras2)
jr=$(ratio jsonl1 csv1)
xr=$(ratio xlsx_in xlsx_csv)
most=0
for f in ras1 ras2 jsonl1 jsonl2; do m=$(peak_mib "$f"); [ "$m" -gt "$most" ] && most=$m; done

printf '\nShire RAS 2025, %s cases, %s, %s cores; load average %s before, %s after; %s rounds\n\n' \
  "$n" "$(uname -m)" "$(nproc)" "$load_before" "$load_after" "$pairs"
printf '| run | median wall | peak memory | target | result |\n|---|---|---|---|---|\n'
printf '| yardstick (Shire by hand), CSV to CSV | %s s | %s MiB | — | — |\n' "$(seconds yard)" "$(peak_mib yard)"
printf '| `ras run`, CSV to CSV, 1 thread | %s s | %s MiB | at most 1.3x the yardstick | %sx: %s |\n' \
  "$(seconds ras1)" "$(peak_mib ras1)" "$r1" "$(verdict "$r1" '<=' 1.3)"
printf '| `ras run`, CSV to CSV, 2 threads | %s s | %s MiB | at least 1.7x faster than 1 thread | %sx: %s |\n' \
  "$(seconds ras2)" "$(peak_mib ras2)" "$speedup" "$(verdict "$speedup" '>=' 1.7)"
printf '| `ras run`, JSON Lines in, 1 thread | %s s | %s MiB | at most 2x CSV | %sx: %s |\n' \
  "$(seconds jsonl1)" "$(peak_mib jsonl1)" "$jr" "$(verdict "$jr" '<=' 2)"
printf '| `ras run`, JSON Lines in, 2 threads | %s s | %s MiB | — | — |\n' "$(seconds jsonl2)" "$(peak_mib jsonl2)"
printf '| `ras run`, .xlsx in, 1 thread | %s s | %s MiB | at most 5x CSV, under 100 MiB | %sx |\n' \
  "$(seconds xlsx_in)" "$(peak_mib xlsx_in)" "$xr"
printf '| `ras run`, CSV in, .xlsx out | %s s | %s MiB | — | — |\n' "$(seconds xlsx_out)" "$(peak_mib xlsx_out)"
printf '| peak memory, CSV and JSON Lines, 1 and 2 threads | | %s MiB | under 64 MiB | %s |\n' \
  "$most" "$(verdict "$most" '<=' 63)"
printf '| outputs of ras (CSV, JSON Lines, .xlsx in; 1 and 2 threads) and the yardstick | | | identical bytes | %s |\n' "$same"

# Evaluation alone, and `ras check` on files with many problems (each under a second).
printf '\n'
cargo bench --quiet --bench eval_speed 2>/dev/null | grep '^eval_speed:' || true
printf '\nras check, files with many problems\n\n'
cargo bench --quiet --bench check_speed 2>/dev/null

# The same files through the command line, end to end (reading, checking,
# drawing every diagnostic), as a policy officer runs it: median of 3.
printf '\n`ras check` end to end, median of 3 runs\n\n| file | human report | --format json |\n|---|---|---|\n'
mkdir -p "$work/check"
cargo bench --quiet --bench check_speed -- --write "$work/check" >/dev/null 2>&1
for f in "$work"/check/*.ras; do
  for format in human json; do
    rm -f "$work/check.times"
    for _ in 1 2 3; do
      /usr/bin/time -f '%e' -a -o "$work/check.times" "$ras" check --format "$format" "$f" >/dev/null 2>&1 || true
    done
    # (time also writes "Command exited with non-zero status 1": the files have errors)
    grep -E '^[0-9.]+$' "$work/check.times" | sort -n | sed -n 2p > "$work/check.$format"
  done
  printf '| %s | %s s | %s s |\n' "$(basename "$f" .ras)" "$(cat "$work/check.human")" "$(cat "$work/check.json")"
done
