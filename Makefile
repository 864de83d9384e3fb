# h7jumpdiag - plain Makefile.
#
#   make                 build the tool, the simulator and the firmware into build/
#   make check           install missing Debian packages, build, run every test
#   make check SANITIZE=1   the same with ASan+UBSan (objects in build/san/)
#   make demo            install missing packages, build, run the demo on the simulated board
#   make install         PREFIX=/usr/local DESTDIR= (binary, simulator, man pages, data files)
#   make bench / fuzz    benchmarks (side-by-side ratios) / libFuzzer runs
#   make clean
#
# Each part of the tree may add rules in its own module.mk (sim/, firmware-probe/,
# tests/*/); sources are picked up by wildcard so adding a file needs no edit here.

VERSION = 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
DATADIR = $(PREFIX)/share/h7jumpdiag

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
ARM_PREFIX ?= arm-none-eabi-
ARM_CC = $(ARM_PREFIX)gcc
ARM_OBJCOPY = $(ARM_PREFIX)objcopy

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS =
endif
# firmware does not depend on the host build flavour
FWBUILD = build

WARN = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
       -Wvla -Wpointer-arith -Wundef -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) -Iinclude -Isrc \
	     -DH7_VERSION=\"$(VERSION)\" -DH7_DATADIR=\"$(DATADIR)\" -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

# pkg-config, evaluated only when a rule needs it; a missing package is a clear error.
pkg = $(or $(shell $(PKG_CONFIG) $(2) $(1) 2>/dev/null),$(if $(shell $(PKG_CONFIG) --exists $(1) && echo y),,$(error missing dependency '$(1)': run scripts/install-deps (see README.md))))
TOOL_PKGS = libusb-1.0 libcjson libelf libdw expat
SIM_PKGS = unicorn
TEST_PKGS = cmocka
TOOL_CFLAGS = $(call pkg,$(TOOL_PKGS),--cflags)
TOOL_LIBS = $(call pkg,$(TOOL_PKGS),--libs) -lm

# --- the tool: everything in src/ but main.c goes into a library the tests link too
LIB_SRCS = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libh7jd.a
TOOL = $(BUILD)/h7jumpdiag

# --- unit tests: tests/unit/test_*.c, one cmocka program each
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:%.c=$(BUILD)/%)
# test support code shared by the test programs (tests/common/*.c)
TESTLIB_SRCS = $(wildcard tests/common/*.c)
TESTLIB_OBJS = $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)
TESTLIB = $(BUILD)/libh7test.a

# programs every test run needs; module.mk files append to these
ALL_TARGETS = $(TOOL)
TEST_BINS = $(UNIT_BINS)
TEST_DEPS =
BENCH_TARGETS =
CLEAN_EXTRA =
INSTALL_TARGETS =

.PHONY: all build-all check test demo deps install install-tool uninstall clean bench fuzz

all: build-all

# keep intermediate objects (test .o files) between runs
.SECONDARY:

include $(sort $(wildcard */module.mk tests/*/module.mk))

build-all: $(ALL_TARGETS)

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(TOOL): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

$(BUILD)/tests/common/%.o: tests/common/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -c $< -o $@

$(TESTLIB): $(TESTLIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) $(call pkg,$(TEST_PKGS),--cflags) -Itests/common -c $< -o $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TESTLIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS) $(call pkg,$(TEST_PKGS),--libs)

# --- the README's two commands
deps:
	@scripts/install-deps

check: deps
	@$(MAKE) --no-print-directory test

test: build-all $(TEST_BINS) $(TEST_DEPS)
	@H7_BUILD=$(BUILD) H7_FWBUILD=$(FWBUILD) SANITIZE=$(SANITIZE) tests/run-tests $(TEST_BINS)

demo: deps
	@$(MAKE) --no-print-directory build-all
	@H7_BUILD=$(BUILD) scripts/demo

bench: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory build-all $(BENCH_TARGETS)
	@H7_BUILD=$(BUILD) bench/run

# --- installation
# module.mk files append their own install-* targets to INSTALL_TARGETS
install: install-tool $(INSTALL_TARGETS)

install-tool: build-all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(TOOL) $(DESTDIR)$(BINDIR)/h7jumpdiag
	install -m 644 man/h7jumpdiag.1 $(DESTDIR)$(MANDIR)/h7jumpdiag.1
	install -m 644 examples/50-stm32-dfu.rules $(DESTDIR)$(DATADIR)/50-stm32-dfu.rules

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/h7jumpdiag $(DESTDIR)$(BINDIR)/h7sim
	rm -f $(DESTDIR)$(MANDIR)/h7jumpdiag.1 $(DESTDIR)$(MANDIR)/h7sim.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build $(CLEAN_EXTRA)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
