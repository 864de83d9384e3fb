# End-to-end tests: the real h7jumpdiag binary against real OpenOCD + h7sim.
E2E_SRCS = $(wildcard tests/e2e/test_*.c)
E2E_BINS = $(E2E_SRCS:%.c=$(BUILD)/%)

$(BUILD)/tests/e2e/%.o: tests/e2e/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -c $< -o $@

$(BUILD)/tests/e2e/%: $(BUILD)/tests/e2e/%.o $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)

TEST_BINS += $(E2E_BINS)
