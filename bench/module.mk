# bench/: benchmarks for `make bench` (printed ratios, never asserted).
# Programs: bench/NAME.c -> $(BUILD)/bench/NAME, linked with the library.

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) -c $< -o $@

$(BUILD)/bench/usb_latency: $(BUILD)/bench/usb_latency.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

BENCH_TARGETS += $(BUILD)/bench/usb_latency $(USB_HARNESS)
