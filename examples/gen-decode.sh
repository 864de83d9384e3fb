#!/usr/bin/env bash
# Regenerate the decode samples in examples/ with the tool itself
# (run by `make examples`). Usage: examples/gen-decode.sh path/to/h7jumpdiag
set -euo pipefail
tool=${1:-build/h7jumpdiag}
export NO_COLOR=1

sample() { # name args...: writes examples/decode-NAME.txt and .json
  local name=$1 rc; shift
  for fmt in text json; do
    ext=$([ "$fmt" = text ] && echo txt || echo json)
    rc=0
    "$tool" decode "$@" -f "$fmt" -o "examples/decode-$name.$ext" || rc=$?
    # exit status 1 means a fault was decoded
    [ "$rc" -le 1 ] || { echo "gen-decode: $name failed (exit $rc)" >&2; exit 1; }
  done
  echo "examples/decode-$name.{txt,json}"
}

# the seed case, precise variant: reading 0x1FFF9804 (no memory there on H7) with PRIMASK set
sample precise-read-1FFF9804 --cfsr 0x00008200 --bfar 0x1FFF9804 --hfsr 0x40000000 --primask 1 --shcsr 0 \
  --xpsr 0x01000003 --exc-return 0xFFFFFFF9 --msp 0x2001FFC0
# the seed case, imprecise variant: a junk cache write-back during SCB_DisableDCache()
sample imprecise-cache-writeback --cfsr 0x00000400 --hfsr 0x40000000 --abfsr 0x00000308 --shcsr 0 --primask 1 \
  --ccr 0x00000200 --cacr 0
# a branch to an address without the Thumb bit
sample invstate-even-branch --cfsr 0x00020000 --hfsr 0x40000000 --shcsr 0 --xpsr 0x01000003 --exc-return 0xFFFFFFFD
# the application's USB device still attached when the bootloader starts
sample usb-still-connected --reg RCC_AHB1ENR=0x08000000 --reg RCC_AHB1RSTR=0 --reg OTG_FS_GINTSTS=0x04000020 \
  --reg OTG_FS_GCCFG=0x00210000 --reg OTG_FS_DCTL=0 --reg OTG_FS_GOTGCTL=0x000D0000 --reg OTG_FS_DCFG=0x02200050
