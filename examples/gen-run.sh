#!/usr/bin/env bash
# Regenerate the sample run reports in examples/ with the tool itself, on the
# simulated board (h7sim + the real OpenOCD).
# Usage: examples/gen-run.sh [h7jumpdiag [directory of the test firmwares]]
set -uo pipefail
tool=${1:-build/h7jumpdiag}
fw=${2:-build/tests/firmware}
cd "$(dirname "$0")/.."
run() { "$tool" run --board sim "$@"; rc=$?; [ $rc -le 1 ] || { echo "gen-run: $* exited $rc" >&2; exit 1; }; }
run --recipe seed > examples/run-seed.txt
run --recipe seed --format json -o examples/run-seed.json
run --recipe st --with-cdc > examples/run-st-with-cdc.txt
run --recipe st --junit examples/run-st.junit.xml > /dev/null
run --recipe seed+addr+cache --explain > examples/run-seed+addr+cache-explain.txt
# your own firmware: tests/firmware/app-fault.c, preloaded into the simulated flash
run --sim-flash "$fw/app-fault.elf" --elf "$fw/app-fault.elf" > examples/run-elf-app-fault.txt
# reports name temporary files that differ from run to run: keep the samples stable
sed -i -E 's|/tmp/h7jumpdiag-[a-z0-9]+-[A-Za-z0-9]+\.log|/tmp/h7jumpdiag-openocd-XXXXXX.log|g; s/run time [0-9.]+ s/run time 3.0 s/' examples/run-*.txt
echo "gen-run: examples/run-* regenerated"
