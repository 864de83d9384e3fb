#!/usr/bin/env bash
# make check: the snapshot and step-cycle benchmarks still run, and their
# COUNTS (never their times) say what the design promises: one RPC per
# snapshot; JTAG scans (h7sim's counter) of one snapshot well under those of
# one Tcl RPC per register for the same registers, the per-step (lazy)
# snapshot under the full one; every step cycle verified by R0.
set -uo pipefail
build=${H7_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export H7_BENCH_DIR="$tmp"
fail=0

"$build/bench/bench_snapshot" --runs 1 || { echo "FAIL: bench_snapshot exited $?"; exit 1; }
"$build/bench/bench_step" --cycles 3 || { echo "FAIL: bench_step exited $?"; exit 1; }

flat() { tr -d ' \t\n' <"$tmp/$1.json"; }
# num FILE OBJECT KEY: a number inside a top-level object ("" for the top level)
num() {
  local j
  j=$(flat "$1")
  [ -n "$2" ] && j=$(printf '%s' "$j" | sed -n "s/.*\"$2\":{\([^}]*\)}.*/\1/p")
  printf '%s' "$j" | grep -o "\"$3\":[-0-9.e+]*" | head -1 | cut -d: -f2
}
check() { # DESCRIPTION AWK-CONDITION
  if awk "BEGIN { exit !($2) }"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; fail=1; fi
}

rpcs=$(num snapshot "" rpcs_per_snapshot)
a=$(num snapshot jtag_scans snapshot)
full=$(num snapshot jtag_scans snapshot_full)
b=$(num snapshot jtag_scans per_register)
regs=$(num snapshot "" registers_per_step)
echo "snapshot: $rpcs RPC, $regs registers; JTAG scans: per step $a, full $full, per register $b"
check "one RPC per snapshot" "${rpcs:-0} == 1"
check "a per-step snapshot captures the catalog (>= 150 registers)" "${regs:-0} >= 150"
check "a snapshot scans at least once per word it reads" "${a:-0} >= ${regs:-0} - 23"
check "the per-step snapshot scans less than the full one" "${a:-0} > 0 && ${a:-0} < ${full:-0}"
check "per-register RPCs scan 5x more than one snapshot" "${b:-0} >= 5 * ${a:-1}"

cycles=$(num step "" cycles)
verified=$(num step "" verified)
failed=$(num step "" failed)
check "every step cycle verified by R0 ($verified of $cycles)" "${cycles:-0} == 3 && ${verified:-0} == 3 && ${failed:-1} == 0"
exit $fail
