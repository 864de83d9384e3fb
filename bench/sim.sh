#!/usr/bin/env bash
# h7sim benchmark (not a test: prints figures and ratios, asserts nothing).
#
#  1. read_memory 0x24000000 32 1024 through the real OpenOCD, timed inside
#     OpenOCD's Tcl (the `ms` command), against h7sim and against the Python
#     prototype ../shared/prototypes/ocd-sim (rbbsim.py; its access log is off
#     unless VPISIM_LOG=1), in the same run. The comparison is skipped, with a
#     message, when ../shared or python3 is not there.
#  2. A free-running loop (`1: adds r0, #1; b 1b` booted from flash, no
#     debugger attached): instructions per second from h7sim's `stats`.
#
#   bench/sim.sh [READS]        (H7_BUILD: where h7sim is, default build)
#
# With $H7_BENCH_DIR (bench/run sets it) the figures also go to
# $H7_BENCH_DIR/sim.json and summary rows to $H7_BENCH_DIR/summary.tsv.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${H7_BUILD:-$src/build}
h7sim=$build/h7sim
reads=${1:-50}
proto=$src/../shared/prototypes/ocd-sim
tmp=$(mktemp -d)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$h7sim" ] || { echo "bench/sim.sh: $h7sim not built (make)" >&2; exit 1; }

# start h7sim with extra args; sets rbb and ctl
start_h7sim() {
  "$h7sim" "$@" >"$tmp/ready" 2>"$tmp/h7sim.log" &
  pids+=($!)
  for _ in $(seq 200); do
    if read -r line <"$tmp/ready" && [[ $line == "h7sim ready"* ]]; then
      rbb=${line#*rbb-port=}; rbb=${rbb%% *}
      ctl=${line#*ctl-port=}
      return 0
    fi
    sleep 0.02
  done
  echo "bench/sim.sh: h7sim did not start" >&2
  exit 1
}

# CPU time (clock ticks) a process has used
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# milliseconds per `read_memory 0x24000000 32 1024`, through OpenOCD to rbb port $1
time_reads() {
  openocd -c "set H7SIM_RBB_PORT $1" -f "$src/sim/openocd-h7sim.cfg" -f target/stm32h7x.cfg \
    -c 'gdb_port disabled' -c 'telnet_port disabled' -c 'tcl_port disabled' -c init -c halt \
    -c "read_memory 0x24000000 32 1024; set t0 [ms]; for {set i 0} {\$i < $reads} {incr i} { read_memory 0x24000000 32 1024 }; echo \"H7BENCH [expr {([ms] - \$t0) / double($reads)}]\"" \
    -c shutdown 2>&1 | sed -n 's/^H7BENCH //p'
}

start_h7sim
c0=$(cpu_ticks "${pids[-1]}")
h7_ms=$(time_reads "$rbb")
h7_cpu=$(( $(cpu_ticks "${pids[-1]}") - c0 ))
echo "read_memory 0x24000000 32 1024 through OpenOCD, mean of $reads (wall time; CPU ticks the simulator used):"
printf '  h7sim             %8.2f ms   %5d ticks\n' "$h7_ms" "$h7_cpu"

if [ ! -f "$proto/rbbsim.py" ]; then
  echo "  Python prototype  skipped: $proto not found (../shared is not in this checkout)"
elif ! command -v python3 >/dev/null; then
  echo "  Python prototype  skipped: python3 not installed (scripts/install-deps --bench)"
else
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$proto" && VPISIM_LOG=${VPISIM_LOG:-0} exec python3 rbbsim.py "$port" "$tmp/proto-access.log" >"$tmp/proto.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$tmp/proto.log" 2>/dev/null && break; sleep 0.05; done
  ppid=$(pgrep -n -f "rbbsim.py $port") || ppid=
  c0=$( [ -n "$ppid" ] && cpu_ticks "$ppid" || echo 0)
  py_ms=$(time_reads "$port")
  py_cpu=$(( $( [ -n "$ppid" ] && cpu_ticks "$ppid" || echo 0) - c0 ))
  printf '  Python prototype  %8.2f ms   %5d ticks\n' "$py_ms" "$py_cpu"
  ratio=$(awk -v a="$py_ms" -v b="$h7_ms" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')
  cpu_ratio=$(awk -v c="$py_cpu" -v d="$h7_cpu" 'BEGIN { if (d > 0) printf "%.2f", c / d; else print "null" }')
  awk -v a="$py_ms" -v b="$h7_ms" -v c="$py_cpu" -v d="$h7_cpu" 'BEGIN {
    if (b > 0) printf "  end to end: h7sim is %.1fx faster than the Python prototype\n", a / b
    if (d > 0) printf "  simulator CPU: h7sim uses %.1fx less than the Python prototype\n", c / d
  }'
  echo "  (end to end, OpenOCD 0.12's remote_bitbang driver dominates: about 40 system calls"
  echo "   per JTAG scan and one scan per word, the same for both simulators)"
fi

# free-running loop from flash: vector table (SP 0x24080000, reset 0x08000009), adds r0,#1; b .-2
printf '\x00\x00\x08\x24\x09\x00\x00\x08\x01\x30\xfd\xe7' >"$tmp/loop.bin"
start_h7sim --flash "$tmp/loop.bin@0x08000000" --bcm4 0
stats() {
  exec 3<>"/dev/tcp/127.0.0.1/$ctl"
  echo stats >&3
  read -r reply <&3
  exec 3<&-
  n=${reply#*instructions_cm7=}; echo "${n%% *}"
}
n0=$(stats); t0=$(date +%s%N)
sleep 2
n1=$(stats); t1=$(date +%s%N)
awk -v n=$((n1 - n0)) -v t=$((t1 - t0)) 'BEGIN { printf "free-running loop: %.0f M instructions/s (%d instructions in %.2f s)\n", n / (t / 1e3), n, t / 1e9 }'
ips=$(awk -v n=$((n1 - n0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (t / 1e9) }')

if [ -n "${H7_BENCH_DIR:-}" ]; then
  row() { printf 'sim\t%s\t%s\t%s\t%s\n' "$@" >>"$H7_BENCH_DIR/summary.tsv"; }
  {
    echo "{"
    echo "  \"reads\": $reads,"
    echo "  \"read_memory_1024_words_ms\": {\"h7sim\": ${h7_ms:-null}, \"python_prototype\": ${py_ms:-null}},"
    echo "  \"simulator_cpu_ticks\": {\"h7sim\": ${h7_cpu:-null}, \"python_prototype\": ${py_cpu:-null}},"
    echo "  \"ratios\": {\"end_to_end\": ${ratio:-null}, \"simulator_cpu\": ${cpu_ratio:-null}},"
    echo "  \"free_running_instructions_per_s\": ${ips:-null}"
    echo "}"
  } >"$H7_BENCH_DIR/sim.json"
  if [ -n "${ratio:-}" ]; then
    st=$(awk -v r="$ratio" 'BEGIN { print (r >= 5) ? "met" : "NOT MET" }')
    row "read_memory 1024 words: Python prototype / h7sim" "${ratio}x end to end (simulator CPU ${cpu_ratio}x)" ">= 5x" "$st"
  else
    row "read_memory 1024 words: Python prototype / h7sim" "h7sim ${h7_ms} ms; prototype not run" ">= 5x" "skipped"
  fi
  row "h7sim free-running" "$(awk -v i="$ips" 'BEGIN { printf "%.0f M instructions/s", i / 1e6 }')" "-" "info"
fi
