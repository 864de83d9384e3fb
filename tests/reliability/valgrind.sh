#!/usr/bin/env bash
# The end-to-end run under valgrind memcheck (issue 8, "Sanitizers and leaks"):
# `h7jumpdiag run --board sim` (the seed recipe: faults, snapshots, rules, the
# JSON and text reports) must be free of memory errors and leaks. OpenOCD and
# h7sim are not traced (--trace-children=no): they are separate programs.
#
# Under SANITIZE=1 the tool is built with ASan, which cannot run under
# valgrind: the ASan run of the same tests covers it, and this says so.
#
#   tests/reliability/valgrind.sh          (H7_BUILD: the build directory)
set -euo pipefail

build=${H7_BUILD:-build}
if [ "${SANITIZE:-}" = 1 ]; then
  echo "SKIP: $build/h7jumpdiag is built with ASan+UBSan (SANITIZE=1), which valgrind cannot run;"
  echo "      the sanitizer run of the e2e and reliability tests checks memory instead"
  exit 0
fi
if ! command -v valgrind >/dev/null; then
  echo "FAIL: valgrind is not installed (scripts/install-deps installs it)" >&2
  exit 1
fi
tool="$build/h7jumpdiag"
supp="$(dirname "$0")/valgrind.supp"
work=$(mktemp -d /tmp/h7jd-vg-XXXXXX)
trap 'rm -rf "$work"' EXIT

rc=0
run() { # name, tool arguments...; sets rc to the tool's exit status
  local name=$1; shift
  rc=0
  TMPDIR="$work" valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --suppressions="$supp" \
    --log-file="$work/$name.vg" "$tool" run --board sim "$@" >"$work/$name.out" 2>&1 || rc=$?
  if [ "$rc" = 99 ] || [ -s "$work/$name.vg" ]; then
    echo "FAIL: valgrind found errors in '$name' (exit $rc):"
    cat "$work/$name.vg"
    exit 1
  fi
}

# the seed case: two faults, every snapshot, JSON report written atomically
run seed-json --recipe seed --format json -o "$work/seed.json"
[ "$rc" = 1 ] || { echo "FAIL: seed run exited $rc (expected 1)"; cat "$work/seed-json.out"; exit 1; }
grep -q '"verdict":[[:space:]]*"fault"' "$work/seed.json" || { echo "FAIL: no fault verdict in the report"; exit 1; }
echo "ok: seed recipe, JSON report: valgrind-clean"

# the DFU path (USB watcher on the simulated bus) and the text report
run st-text --recipe st --explain
[ "$rc" = 0 ] || { echo "FAIL: st run exited $rc (expected 0)"; cat "$work/st-text.out"; exit 1; }
grep -q "dfu-enumerated\|DFU device" "$work/st-text.out" || { echo "FAIL: no DFU verdict in the text report"; exit 1; }
echo "ok: st recipe, text report: valgrind-clean"
