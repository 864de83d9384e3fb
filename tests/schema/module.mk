# Schema check: every report kind the tool writes validates against
# schema/h7jumpdiag-1.schema.json (python3-jsonschema).
SCHEMA_MKREPORTS = $(BUILD)/tests/schema/mkreports

$(BUILD)/tests/schema/%.o: tests/schema/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) -Itests/common -c $< -o $@

$(SCHEMA_MKREPORTS): $(BUILD)/tests/schema/mkreports.o $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

TEST_DEPS += $(SCHEMA_MKREPORTS)
TEST_BINS += tests/schema/validate.sh
