#!/usr/bin/env bash
# `make install` into a staging directory (DESTDIR, another PREFIX than the
# one the tool was built for), then the installed tool runs the jump on the
# simulated board from elsewhere, with nothing of the build tree in reach:
# it finds h7sim, the probe firmware and OpenOCD's h7sim snippet next to
# itself (PREFIX/bin, PREFIX/share/h7jumpdiag). Then `make uninstall` removes
# every installed file. Part of `make check` (tests/install/module.mk).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/h7-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
prefix=/opt/h7jumpdiag-test

fail() { echo "FAIL: $*" >&2; exit 1; }

make -s -C "$top" --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" SANITIZE="${SANITIZE:-}" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "make install"; }
root="$stage$prefix"
for f in bin/h7jumpdiag bin/h7sim share/man/man1/h7jumpdiag.1 share/man/man1/h7sim.1 \
  share/h7jumpdiag/openocd-h7sim.cfg share/h7jumpdiag/firmware-probe/probe-cm7.bin \
  share/h7jumpdiag/schema/h7jumpdiag-1.schema.json share/h7jumpdiag/50-stm32-dfu.rules; do
  [ -f "$root/$f" ] || fail "make install did not install $f"
done
echo "ok: make install put the tool, h7sim, man pages and data files under DESTDIR/PREFIX"

# the installed tool, from another directory, with the build tree's lookups out of the way
mkdir "$work/elsewhere"
cd "$work/elsewhere"
rc=0
env -u H7SIM -u H7_DATA_DIR -u H7_FIRMWARE_DIR -u H7_BUILD \
  "$root/bin/h7jumpdiag" run --board sim --recipe st --format json --output report.json 2>"$work/run.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/run.err" >&2; fail "the installed h7jumpdiag run exited $rc"; }
grep -Eq '"verdict":[[:space:]]*"dfu-enumerated"' report.json || fail "the installed run's verdict is not dfu-enumerated"
grep -Eq '"schema":[[:space:]]*"h7jumpdiag/1"' report.json || fail "the installed run's report has no schema"
echo "ok: the installed tool ran the st recipe on the simulated board (verdict dfu-enumerated)"

make -s -C "$top" --no-print-directory uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null
left=$(find "$root" -type f | wc -l)
[ "$left" -eq 0 ] || { find "$root" -type f >&2; fail "make uninstall left $left files"; }
echo "ok: make uninstall removed every installed file"
