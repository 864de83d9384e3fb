# bench/: benchmarks `make bench` runs (bench/run); they print times and
# ratios and assert nothing. Built with the tool's flags and library;
# bench/common.c (results, a simulated board) is linked into each.
BENCH_PROGS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/bench_*.c))
BENCH_TARGETS += $(BENCH_PROGS)

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) -c $< -o $@

$(BUILD)/bench/bench_%: $(BUILD)/bench/bench_%.o $(BUILD)/bench/common.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

# make check runs the snapshot and step benchmarks once and checks their
# counts (never their times): bench/smoke.sh
TEST_BINS += bench/smoke.sh
TEST_DEPS += $(BUILD)/bench/bench_snapshot $(BUILD)/bench/bench_step
