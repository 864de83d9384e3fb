# Fuzzing (issue 8): libFuzzer targets for every parser, see tests/fuzz/README.md.
#
#   make fuzz              each target for FUZZ_SECONDS (default 60) seconds
#   make fuzz-smoke        every target for FUZZ_SMOKE_SECONDS (default 3) each from
#                          the seeds only, under 60 s in total: the CI pass after `make check`
#   make fuzz-build        only build the fuzzers (build/fuzz/<target>)
#   make fuzz FUZZ_TARGETS="tcl_list svd"   a subset
#
# The fuzzers are built with clang (-fsanitize=fuzzer,address,undefined) from
# their own objects of src/ and sim/ in build/fuzz/, never mixed with the gcc
# objects of $(BUILD). `make check` runs every committed seed and regression
# input through each target with a plain driver (replay.c) built like the
# other tests ($(BUILD)/tests/fuzz/replay-<target>).

FUZZ_NAMES = tcl_list rpc_reply snapcap report_json elf svd dfuse_layout usb_desc simctl_line sim_ctl
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3

FUZZ_CC ?= clang
FUZZ_BUILD = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(FUZZ_SAN) -Iinclude -Isrc \
	      -DH7_VERSION=\"$(VERSION)\" -DH7_DATADIR=\"$(DATADIR)\" -MMD -MP
FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_SIM_OBJS = $(SIM_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIB = $(FUZZ_BUILD)/libh7jd.a
FUZZ_SIM_LIB = $(FUZZ_BUILD)/libh7sim.a
FUZZ_BINS = $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-deps

# library objects: instrumented for coverage (fuzzer-no-link), not linked with libFuzzer's main
$(FUZZ_BUILD)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(TOOL_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(SIM_CFLAGS) -Isim -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_SIM_LIB): $(FUZZ_SIM_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(TOOL_CFLAGS) $(SIM_CFLAGS) -Isim -c $< -o $@

$(FUZZ_BUILD)/sim_ctl: $(FUZZ_BUILD)/obj/tests/fuzz/sim_ctl.o $(FUZZ_SIM_LIB) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(SIM_LIBS) $(TOOL_LIBS)

$(FUZZ_BUILD)/%: $(FUZZ_BUILD)/obj/tests/fuzz/%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(TOOL_LIBS)

fuzz-deps:
	@scripts/install-deps --fuzz

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

# extra seeds that are built, not committed: the test firmwares for the elf target
FUZZ_EXTRA_SEEDS = $(APPFW_ELFS)

fuzz: fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_EXTRA_SEEDS)
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_EXTRA_ELF="$(FUZZ_EXTRA_SEEDS)" \
		tests/fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_FRESH=1 tests/fuzz/run-fuzz $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# --- replay of the seeds and regression inputs in `make check` (gcc, $(BUILD))
FUZZ_REPLAY_BINS = $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/replay-%)

$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(SIM_CFLAGS) -Isim -c $< -o $@

$(BUILD)/tests/fuzz/replay-%.o: tests/fuzz/replay.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DFUZZ_NAME=\"$*\" -c $< -o $@

$(BUILD)/tests/fuzz/replay-sim_ctl: $(BUILD)/tests/fuzz/replay-sim_ctl.o $(BUILD)/tests/fuzz/sim_ctl.o $(SIM_LIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SIM_LIBS) $(TOOL_LIBS)

$(BUILD)/tests/fuzz/replay-%: $(BUILD)/tests/fuzz/replay-%.o $(BUILD)/tests/fuzz/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

TEST_BINS += $(FUZZ_REPLAY_BINS)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
