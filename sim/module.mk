# h7sim: the simulated STM32H745 (sim/README.md, man/h7sim.1).
#   $(BUILD)/h7sim          the simulator (host; ASan+UBSan under SANITIZE=1)
#   $(BUILD)/libh7sim.a     its objects without main.c (the sim tests link them)
#   $(FWBUILD)/sim/rom/     the simulated ROM bootloader (arm-none-eabi), embedded
#                           into h7sim through a generated C array (sim/tools/bin2c.c)

SIM_PKGS_ALL = unicorn libelf
SIM_CFLAGS = $(call pkg,$(SIM_PKGS_ALL),--cflags)
SIM_LIBS = $(call pkg,$(SIM_PKGS_ALL),--libs)

SIM_SRCS = $(filter-out sim/main.c,$(wildcard sim/*.c))
SIM_OBJS = $(SIM_SRCS:%.c=$(BUILD)/%.o)
SIM_LIB = $(BUILD)/libh7sim.a
H7SIM = $(BUILD)/h7sim
SIM_BIN2C = $(BUILD)/sim/tools/bin2c
SIM_ROM_ELF = $(FWBUILD)/sim/rom/rom.elf
SIM_ROM_BIN = $(FWBUILD)/sim/rom/rom.bin
SIM_ROM_C = $(BUILD)/sim/rom_image.c

# firmware flags shared with the sim test firmware (tests/sim/module.mk)
SIM_ARM_CFLAGS = -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard -Os -g \
	-ffreestanding -fno-builtin -nostdlib -nostartfiles -Wall -Wextra -Werror

ALL_TARGETS += $(H7SIM)
INSTALL_TARGETS += install-sim
CLEAN_EXTRA +=

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SIM_CFLAGS) -Isim -c $< -o $@

$(SIM_LIB): $(SIM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(SIM_BIN2C): sim/tools/bin2c.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

$(SIM_ROM_ELF): sim/rom/rom.c sim/rom/rom.h sim/rom/rom.ld
	@mkdir -p $(@D)
	$(ARM_CC) $(SIM_ARM_CFLAGS) -Isim/rom -T sim/rom/rom.ld -o $@ sim/rom/rom.c

$(SIM_ROM_BIN): $(SIM_ROM_ELF)
	$(ARM_OBJCOPY) -O binary $< $@

$(SIM_ROM_C): $(SIM_ROM_BIN) $(SIM_BIN2C)
	$(SIM_BIN2C) h7sim_rom_image $(SIM_ROM_BIN) > $@.tmp && mv $@.tmp $@

$(BUILD)/sim/rom_image.o: $(SIM_ROM_C)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(H7SIM): $(BUILD)/sim/main.o $(BUILD)/sim/rom_image.o $(SIM_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SIM_LIBS)

.PHONY: install-sim
install-sim: $(H7SIM)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(H7SIM) $(DESTDIR)$(BINDIR)/h7sim
	install -m 644 man/h7sim.1 $(DESTDIR)$(MANDIR)/h7sim.1
	install -m 644 sim/openocd-h7sim.cfg $(DESTDIR)$(DATADIR)/openocd-h7sim.cfg
