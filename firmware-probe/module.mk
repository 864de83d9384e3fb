# The probe firmware (arm-none-eabi-gcc). Built into $(FWBUILD)/firmware-probe/
# whatever SANITIZE says; installed into the data directory; loaded into the
# target's RAM by `h7jumpdiag run`, never flashed.
PROBE_OUT = $(FWBUILD)/firmware-probe
PROBE_ELF = $(PROBE_OUT)/probe-cm7.elf
PROBE_CM4_ELFS = $(PROBE_OUT)/cm4-park.elf $(PROBE_OUT)/cm4-usb.elf
ARM_WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-override-init
ARM_COMMON = -std=c11 -mthumb -mfloat-abi=soft -Os -g -ffreestanding -fno-common -ffunction-sections \
	     -fdata-sections $(ARM_WARN) -Iinclude -Ifirmware-probe
ARM_LDFLAGS = -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings
PROBE_SRCS = firmware-probe/probe.c firmware-probe/usbdev.c
PROBE_HDRS = firmware-probe/hw.h firmware-probe/usbdev.h include/h7jumpdiag/probe_abi.h

$(PROBE_ELF): $(PROBE_SRCS) $(PROBE_HDRS) firmware-probe/probe.ld
	@mkdir -p $(@D)
	$(ARM_CC) -mcpu=cortex-m7 $(ARM_COMMON) $(ARM_LDFLAGS) -Wl,-T,firmware-probe/probe.ld -o $@ $(PROBE_SRCS) -lgcc

$(PROBE_OUT)/cm4-park.elf: firmware-probe/cm4.c firmware-probe/hw.h firmware-probe/cm4.ld
	@mkdir -p $(@D)
	$(ARM_CC) -mcpu=cortex-m4 $(ARM_COMMON) -DCM4_TOUCH_USB=0 $(ARM_LDFLAGS) -Wl,-T,firmware-probe/cm4.ld -o $@ $<

$(PROBE_OUT)/cm4-usb.elf: firmware-probe/cm4.c firmware-probe/hw.h firmware-probe/cm4.ld
	@mkdir -p $(@D)
	$(ARM_CC) -mcpu=cortex-m4 $(ARM_COMMON) -DCM4_TOUCH_USB=1 $(ARM_LDFLAGS) -Wl,-T,firmware-probe/cm4.ld -o $@ $<

ALL_TARGETS += $(PROBE_ELF) $(PROBE_CM4_ELFS)
INSTALL_TARGETS += install-probe

install-probe: $(PROBE_ELF) $(PROBE_CM4_ELFS)
	install -d $(DESTDIR)$(DATADIR)/firmware-probe
	install -m 644 $(PROBE_ELF) $(PROBE_CM4_ELFS) $(DESTDIR)$(DATADIR)/firmware-probe/
