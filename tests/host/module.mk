# tests/host: the host core against real components (OpenOCD, and h7sim once it
# is built): cmocka programs that start what they need themselves, on free
# ports, and stop and reap it on every path.
# test_sim_*.c need h7sim (sim/, built into build/h7sim): they join the run as
# soon as the simulator is in the tree.
HOST_TEST_SRCS = $(filter-out $(if $(wildcard sim/module.mk),,tests/host/test_sim_%.c),$(wildcard tests/host/test_*.c))
HOST_TEST_BINS = $(HOST_TEST_SRCS:%.c=$(BUILD)/%)
TEST_BINS += $(HOST_TEST_BINS)

$(BUILD)/tests/host/%.o: tests/host/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -c $< -o $@

$(BUILD)/tests/host/%: $(BUILD)/tests/host/%.o $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)
