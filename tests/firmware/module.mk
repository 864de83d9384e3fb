# Test application firmwares for the simulated STM32H745 CM7 (arm-none-eabi-gcc,
# -Og -g so every statement has its own line when stepped): linked for flash at
# 0x08000000, used by the elfinfo tests and by `h7jumpdiag run --elf` tests
# (h7sim --flash FILE.elf). Built into $(FWBUILD)/tests/firmware/.
APPFW_OUT = $(FWBUILD)/tests/firmware
APPFW_ELFS = $(APPFW_OUT)/app-fault.elf $(APPFW_OUT)/app-good.elf
APPFW_CFLAGS = -std=c11 -mcpu=cortex-m7 -mthumb -mfloat-abi=soft -Og -g -ffreestanding -fno-common \
	       -ffunction-sections -fdata-sections -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	       -Wmissing-prototypes -Wno-override-init -Itests/firmware -Ifirmware-probe
APPFW_LDFLAGS = -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings \
		-Wl,-T,tests/firmware/app.ld
APPFW_COMMON = tests/firmware/startup.c tests/firmware/hal_lite.c
APPFW_HDRS = tests/firmware/cmsis_lite.h tests/firmware/hal_lite.h firmware-probe/hw.h tests/firmware/app.ld

$(APPFW_OUT)/%.elf: tests/firmware/%.c $(APPFW_COMMON) $(APPFW_HDRS)
	@mkdir -p $(@D)
	$(ARM_CC) $(APPFW_CFLAGS) $(APPFW_LDFLAGS) -o $@ $< $(APPFW_COMMON) -lgcc

ALL_TARGETS += $(APPFW_ELFS)

# Variants of app-fault.elf for the elfinfo tests: debug sections compressed
# (gABI SHF_COMPRESSED, and the legacy GNU .zdebug_* form), stripped of DWARF,
# and built with the source directory remapped to a path that does not exist.
APPFW_VARIANTS = $(APPFW_OUT)/app-fault-zlib.elf $(APPFW_OUT)/app-fault-zgnu.elf \
		 $(APPFW_OUT)/app-fault-nodebug.elf $(APPFW_OUT)/app-fault-remapped.elf

$(APPFW_OUT)/app-fault-zlib.elf: $(APPFW_OUT)/app-fault.elf
	$(ARM_OBJCOPY) --compress-debug-sections=zlib-gabi $< $@

$(APPFW_OUT)/app-fault-zgnu.elf: $(APPFW_OUT)/app-fault.elf
	$(ARM_OBJCOPY) --compress-debug-sections=zlib-gnu $< $@

$(APPFW_OUT)/app-fault-nodebug.elf: $(APPFW_OUT)/app-fault.elf
	$(ARM_OBJCOPY) --strip-debug $< $@

$(APPFW_OUT)/app-fault-remapped.elf: tests/firmware/app-fault.c $(APPFW_COMMON) $(APPFW_HDRS)
	@mkdir -p $(@D)
	$(ARM_CC) $(APPFW_CFLAGS) -fdebug-prefix-map=$(CURDIR)=/nonexistent-h7jd-src $(APPFW_LDFLAGS) -o $@ \
		$< $(APPFW_COMMON) -lgcc

TEST_DEPS += $(APPFW_VARIANTS)
