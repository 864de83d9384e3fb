# h7sim tests: cmocka programs that start h7sim (and the real OpenOCD) themselves.
# Test firmware (arm-none-eabi) goes to $(FWBUILD)/tests/sim/fw/.

SIM_TEST_SRCS = $(wildcard tests/sim/test_*.c)
SIM_TEST_BINS = $(SIM_TEST_SRCS:%.c=$(BUILD)/%)
SIM_TESTFW = $(FWBUILD)/tests/sim/fw/testfw.elf $(FWBUILD)/tests/sim/fw/testfw.bin \
	$(FWBUILD)/tests/sim/fw/flashfw.elf

TEST_BINS += $(SIM_TEST_BINS)
TEST_DEPS += $(SIM_TESTFW) $(H7SIM)

$(BUILD)/tests/sim/%.o: tests/sim/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SIM_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -Isim -Itests/sim/fw -c $< -o $@

$(BUILD)/tests/sim/%: $(BUILD)/tests/sim/%.o $(TESTLIB) $(SIM_LIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SIM_LIBS) $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)

$(FWBUILD)/tests/sim/fw/testfw.elf: tests/sim/fw/testfw.c tests/sim/fw/testfw.h tests/sim/fw/testfw.ld sim/rom/rom.h
	@mkdir -p $(@D)
	$(ARM_CC) $(SIM_ARM_CFLAGS) -O1 -Isim/rom -Itests/sim/fw -T tests/sim/fw/testfw.ld -o $@ tests/sim/fw/testfw.c

$(FWBUILD)/tests/sim/fw/testfw.bin: $(FWBUILD)/tests/sim/fw/testfw.elf
	$(ARM_OBJCOPY) -O binary $< $@

$(FWBUILD)/tests/sim/fw/flashfw.elf: tests/sim/fw/flashfw.S tests/sim/fw/flashfw.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(SIM_ARM_CFLAGS) -T tests/sim/fw/flashfw.ld -o $@ $<
