# Reliability tests (issue 8): fault injection through h7sim's control socket,
# OpenOCD killed, signals, hostile strings, the listening sockets, valgrind.
# Each program runs the real h7jumpdiag against the real OpenOCD and h7sim.
REL_SRCS = $(wildcard tests/reliability/test_*.c)
REL_BINS = $(REL_SRCS:%.c=$(BUILD)/%)
REL_OBJ = $(BUILD)/tests/reliability/rel.o

$(BUILD)/tests/reliability/%.o: tests/reliability/%.c tests/reliability/rel.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -c $< -o $@

$(BUILD)/tests/reliability/test_%: $(BUILD)/tests/reliability/test_%.o $(REL_OBJ) $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)

TEST_BINS += $(REL_BINS) tests/reliability/valgrind.sh
TEST_DEPS += $(H7SIM) $(TOOL) $(APPFW_ELFS) $(PROBE_ELF) $(PROBE_CM4_ELFS)

# `make valgrind`: the valgrind part alone (make check runs it too)
.PHONY: valgrind
valgrind: build-all
	@H7_BUILD=$(BUILD) H7_FWBUILD=$(FWBUILD) SANITIZE=$(SANITIZE) tests/reliability/valgrind.sh
