#!/usr/bin/env bash
# USB detection latency under umockdev: hotplug events vs the poll fallback
# (a fresh libusb context every 20 ms). Each sample: the harness adds the
# emulated DFU device; latency = when the watcher recorded the arrival minus
# when the harness finished adding it (sysfs + uevent). Printed, not asserted.
set -euo pipefail
build=${H7_BUILD:-build}
harness=$build/tests/usb/h7usb-harness
prog=$build/bench/usb_latency
samples=${H7_BENCH_USB_SAMPLES:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sched=()
for ((k = 0; k < samples; k++)); do
  sched+=(--at "$((100 + 120 * k)):add:dfu@1-1" --at "$((160 + 120 * k)):remove:1-1")
done
declare -A med
echo "usb detection latency (ms, $samples samples, umockdev): backend  n  min  median  max"
for mode in hotplug poll; do
  out=$("$harness" -w -t 60000 --events-file "$tmp/$mode.events" "${sched[@]}" -- "$prog" "$mode" "$tmp/$mode.events" "$samples" 2>"$tmp/$mode.log") || {
    echo "usb_latency $mode failed:"; tail -5 "$tmp/$mode.log"; exit 1; }
  echo "  $out"
  med[$mode]=$(echo "$out" | awk '{print $4}')
done
awk -v h="${med[hotplug]}" -v p="${med[poll]}" 'BEGIN { if (h > 0) printf "  poll/hotplug median ratio: %.1f\n", p / h }'
