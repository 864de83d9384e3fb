# tests/usb: the umockdev harness (a reusable test tool) and the USB test suite.
#
#   $(BUILD)/tests/usb/h7usb-harness   emulated USB devices + hotplug schedule + h7sim bridge
#   $(BUILD)/tests/usb/test_usb        cmocka suite: runs h7jumpdiag (and dfu-util) under the harness

USB_HARNESS = $(BUILD)/tests/usb/h7usb-harness
USB_TEST = $(BUILD)/tests/usb/test_usb
# GLib/umockdev headers as system headers: our warning flags are for our code
UMOCKDEV_CFLAGS = $(patsubst -I%,-isystem %,$(call pkg,umockdev-1.0,--cflags))
UMOCKDEV_LIBS = $(call pkg,umockdev-1.0,--libs)

$(BUILD)/tests/usb/%.o: tests/usb/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(UMOCKDEV_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -Itests/usb -c $< -o $@

$(USB_HARNESS): $(BUILD)/tests/usb/harness.o $(BUILD)/tests/usb/emu.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UMOCKDEV_LIBS) $(TOOL_LIBS)

# bridge-mode helpers: a scripted protocol-1 peer and a runner-like client
$(BUILD)/tests/usb/ctlpeer: $(BUILD)/tests/usb/ctlpeer.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BUILD)/tests/usb/bridge_client: $(BUILD)/tests/usb/bridge_client.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

$(USB_TEST): $(BUILD)/tests/usb/test_usb.o $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)

TEST_BINS += $(USB_TEST)
TEST_DEPS += $(USB_HARNESS) $(BUILD)/tests/usb/ctlpeer $(BUILD)/tests/usb/bridge_client

# bench/bench_usb_latency runs itself under the harness
BENCH_TARGETS += $(USB_HARNESS)
