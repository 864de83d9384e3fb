#!/usr/bin/env bash
# Validate every report the tool writes today (snapshot, decode) against
# schema/h7jumpdiag-1.schema.json with the real python3-jsonschema (Debian's,
# installed by scripts/install-deps). A missing validator FAILS this test.
set -euo pipefail

build=${H7_BUILD:-build}
schema=schema/h7jumpdiag-1.schema.json
py=/usr/bin/python3
svd=../shared/svd/STM32H745_CM7.svd

if ! "$py" -c 'import jsonschema' 2>/dev/null; then
  echo "FAIL: python3-jsonschema is not installed (scripts/install-deps installs it)"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$build/tests/schema/mkreports" "$out"

n=0
decode() { # name args...: h7jumpdiag decode ARGS -f json -o OUT/decode-NAME.json; exit 0 or 1 expected
  local name=$1 rc=0; shift
  "$build/h7jumpdiag" decode "$@" -f json -o "$out/decode-$name.json" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "FAIL: h7jumpdiag decode $* exited $rc"; exit 1; fi
  n=$((n + 1))
}
decode precise --cfsr 0x00008200 --bfar 0x1FFF9804 --hfsr 0x40000000 --primask 1 --shcsr 0
decode imprecise --cfsr 0x00000400 --hfsr 0x40000000 --abfsr 0x308 --ccr 0x70200 --cacr 0
decode stale-bfar --cfsr 0x00000400 --bfar 0x20001234
decode frame --cfsr 0x20000 --hfsr 0x40000000 --xpsr 3 --exc-return 0xFFFFFFE9 --msp 0x2001FF00 --control 4
decode clean --cfsr 0 --hfsr 0
decode periph --reg RCC_CR=0x0303C005 --reg RCC_CFGR=0x1B --reg RCC_RSR=0x00C00000 --reg PWR_CR3=4 \
  --reg PWR_CSR1=0x2000 --reg OTG_FS_DCTL=0 --reg OTG_FS_GCCFG=0x10000 --reg RCC_AHB1ENR=0x08000000 \
  --reg FLASH_BOOT7_CUR=0x1FF00800 --reg FLASH_OPTSR_CUR=0xAA00 --reg SYSCFG_UR1=0x10001 \
  --reg DBGMCU_IDC=0x20036450 --reg NVIC_ISER3=0x20 --reg NVIC_IPR25=0x5000 --reg SYST_CSR=7 \
  --reg MPU_CTRL=5 --reg MPU_RBAR0=0x24000000 --reg MPU_RASR0=0x13080025 --reg VTOR=0x08000000
decode mini-svd --svd tests/data/svd/mini.svd --reg RCC.CR=0x10 --reg TIM2.CNT=7
decode report --report "$out/snapshot-full.json"
if [ -r "$svd" ]; then
  decode real-svd --svd "$svd" --reg RCC.CR=0x83 --reg OTG_FS_DCTL=2 --report "$out/snapshot-full.json"
else
  echo "SKIP: $svd not present, no report with the real SVD validated"
fi
echo "$n decode reports and $(ls "$out"/snapshot-*.json | wc -l) snapshot reports written"

# the committed samples too (examples/gen-decode.sh)
"$py" - "$schema" "$out"/*.json examples/*.json <<'PY'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
bad = 0
for path in sys.argv[2:]:
    errors = sorted(v.iter_errors(json.load(open(path))), key=str)
    for e in errors[:5]:
        print(f"  {path}: /{'/'.join(map(str, e.path))}: {e.message}")
    print(("ok   " if not errors else "BAD  ") + path.split("/")[-1])
    bad += bool(errors)

# negative controls: the schema must reject what the tool must never write
doc = json.load(open(sys.argv[2]))
probes = {
    "register not 0x%08X": lambda d: d["snapshot"]["registers"].__setitem__("CFSR", "0x8200"),
    "unknown schema": lambda d: d.__setitem__("schema", "h7jumpdiag/0"),
    "bit not a CMSIS name": lambda d: d["decoded"]["fault"]["registers"]["CFSR"]["set"].append("precise err"),
    "unknown member": lambda d: d["decoded"].__setitem__("surprise", 1),
}
for what, change in probes.items():
    d = json.loads(json.dumps(doc))
    change(d)
    if v.is_valid(d):
        print(f"BAD  the schema accepts a report with {what}")
        bad += 1
sys.exit(1 if bad else 0)
PY
