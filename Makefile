# Pagoda: `make run` boots the demo, `make test` runs every test.
# See README.md. CROSS= selects another toolchain prefix, DEBUG=1 builds for gdb (-O0).

CROSS	?=
CC	:= $(CROSS)gcc
LD	:= $(CROSS)ld
NM	:= $(CROSS)nm
OBJDUMP	:= $(CROSS)objdump
NASM	?= nasm
PYTHON	?= python3
BUILD	:= build

# DEBUG=1: -O0, so that every local a lecture prints has a home for its
# whole scope (at -Og, wp_page_copy's pte_t `entry` has no location at all
# and handle_mm_fault's `flags` dies at its last use). The lectures run on it.
ifeq ($(DEBUG),1)
OPT	:= -O0 -g
else
OPT	:= -O2 -g
endif

# Every named function stays a function (only `static inline` helpers are
# inlined), so a lecturer can break on do_wp_page and a backtrace shows the
# path an article walks through.
KNOINLINE := -fno-inline-functions-called-once -fno-inline-small-functions -fno-asynchronous-unwind-tables \
	   -fno-inline-functions -fno-optimize-sibling-calls
KCFLAGS	:= -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie $(KNOINLINE) \
	   -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
	   -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	   -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
	   -I. $(OPT) -MMD -MP
NASMFLAGS := -f elf64 -g -F dwarf

KERNEL_C := $(wildcard arch/x86_64/*.c kernel/*.c mm/*.c lib/*.c fs/*.c fs/*/*.c drivers/*/*.c tests/kernel/*.c)
KERNEL_ASM := $(wildcard boot/*.asm arch/x86_64/*.asm)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KERNEL_C)) $(patsubst %.asm,$(BUILD)/%.o,$(KERNEL_ASM))

CMDLINE	?=
TEST_CMDLINE ?= selftest=all

.PHONY: all kernel iso run test test-host test-unit bench debug gdb clean deps run-user lecture lecture-isos
all: $(BUILD)/pagoda.iso

kernel: $(BUILD)/pagoda.elf

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) $< -o $@

# Two links: the first gives the symbol table, which the second embeds at
# the same address (tools/kallsyms.py writes a blob of fixed size).
$(BUILD)/kallsyms0.S: tools/kallsyms.py
	@mkdir -p $(BUILD)
	$(PYTHON) tools/kallsyms.py $@
$(BUILD)/pagoda.elf0: $(KERNEL_OBJS) $(BUILD)/kallsyms0.o linker.ld
	$(LD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KERNEL_OBJS) $(BUILD)/kallsyms0.o
$(BUILD)/kallsyms.S: $(BUILD)/pagoda.elf0 tools/kallsyms.py
	$(NM) -n $< > $(BUILD)/pagoda.nm0
	$(PYTHON) tools/kallsyms.py $(BUILD)/pagoda.nm0 $@
$(BUILD)/kallsyms%.o: $(BUILD)/kallsyms%.S
	$(CC) -c $< -o $@
$(BUILD)/kallsyms.o: $(BUILD)/kallsyms.S
	$(CC) -c $< -o $@
$(BUILD)/pagoda.elf: $(KERNEL_OBJS) $(BUILD)/kallsyms.o linker.ld
	$(LD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KERNEL_OBJS) $(BUILD)/kallsyms.o
	$(NM) -n $@ > $(BUILD)/pagoda.sym
	@$(NM) -n $(BUILD)/pagoda.elf0 | cmp -s - $(BUILD)/pagoda.sym || \
		{ echo "kallsyms: symbols moved between the two links" >&2; exit 1; }

-include $(KERNEL_OBJS:.o=.d)

# ---- user programs and the initramfs ----
include user/Makefile.inc

$(BUILD)/initramfs.cpio: user tools/mkcpio.py
	$(PYTHON) tools/mkcpio.py $(USER_STAGE) $@

# ---- bootable ISOs: GRUB (multiboot2) + kernel + initramfs ----
# $(1): ISO path, $(2): kernel command line, $(3): initramfs,
# $(4): the kernel, if not $(BUILD)/pagoda.elf
define make_iso
	@rm -rf $(1).d && mkdir -p $(1).d/boot/grub
	cp $(or $(4),$(BUILD)/pagoda.elf) $(1).d/boot/pagoda.elf
	cp $(3) $(1).d/boot/initramfs.cpio
	sed 's|@CMDLINE@|$(2)|' boot/grub.cfg.in > $(1).d/boot/grub/grub.cfg
	grub-mkrescue -o $(1) $(1).d 2>$(1).log || { cat $(1).log; exit 1; }
endef

$(BUILD)/pagoda.iso: $(BUILD)/pagoda.elf $(BUILD)/initramfs.cpio boot/grub.cfg.in
	$(call make_iso,$@,init=/bin/demo $(CMDLINE),$(BUILD)/initramfs.cpio)
# The test ISO also carries musl_hello (built by Debian's musl-gcc) through
# the run-your-own-program path, as /user/musl_hello: that path gets a test.
TEST_USER_DIR := $(BUILD)/test-user
$(BUILD)/pagoda-test.iso: $(BUILD)/pagoda.elf user boot/grub.cfg.in tools/mkcpio.py
	rm -rf $(TEST_USER_DIR) && mkdir -p $(TEST_USER_DIR)
	$(if $(USER_MUSL_TESTS),cp $(U)/musl/musl_hello $(TEST_USER_DIR)/)
	$(call stage_user_dir,$(BUILD)/initramfs-test,$(TEST_USER_DIR))
	$(call make_iso,$@,$(TEST_CMDLINE) $(CMDLINE),$(BUILD)/initramfs-test.cpio)

# $(1): staging directory to build, $(2): directory of the user's programs (-> /user)
define stage_user_dir
	rm -rf $(1) && cp -a $(USER_STAGE) $(1)
	mkdir -p $(1)/user && find $(2) -maxdepth 1 -type f -exec cp {} $(1)/user/ \;
	$(PYTHON) tools/mkcpio.py $(1) $(1).cpio
endef

# The benchmark as the first process, without page poisoning (Linux has none).
$(BUILD)/pagoda-bench.iso: $(BUILD)/pagoda.elf $(BUILD)/initramfs.cpio boot/grub.cfg.in
	$(call make_iso,$@,rdinit=/bench/bench_fault page_poison=off $(CMDLINE),$(BUILD)/initramfs.cpio)

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda-bench.iso
	bash tools/bench.sh $(BUILD)/pagoda-bench.iso

deps:
	@bash tools/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda.iso
	bash tools/qemu.sh --iso $(BUILD)/pagoda.iso

# The host unit tests and the gdb lecture check run first; the boot runner
# counts their TAP with its own, so the last line covers everything.
test: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda-test.iso $(BUILD)/pagoda.iso
	@echo "host unit tests (tests/run-host.sh) and the gdb lecture check (tests/gdb_lecture.sh)..."
	@bash tests/run-host.sh > $(BUILD)/host-tests.tap 2>&1 || true
	@bash tests/gdb_lecture.sh $(BUILD)/pagoda.iso > $(BUILD)/gdb-lecture.tap 2>&1 || true
	@echo "the scripted lectures in batch mode (tools/lecture.sh --batch $(LECTURES))..."
	@$(MAKE) --no-print-directory lecture-isos
	@bash tools/lecture.sh --batch $(LECTURES) > $(BUILD)/lectures.log 2>&1 || true
	$(PYTHON) tests/run-boot.py --iso $(BUILD)/pagoda-test.iso \
		--also $(BUILD)/host-tests.tap --also $(BUILD)/gdb-lecture.tap \
		$(LECTURES:%=--also $(BUILD)/lecture-%.tap)

# Boot a directory of the user's own static programs: they run as /user/NAME.
run-user: deps
	@test -n "$(DIR)" || { echo "usage: make run-user DIR=path/to/static/programs"; exit 2; }
	@$(MAKE) --no-print-directory user $(BUILD)/pagoda.elf
	$(call stage_user_dir,$(BUILD)/initramfs-user,$(DIR))
	$(call make_iso,$(BUILD)/pagoda-user.iso,$(CMDLINE),$(BUILD)/initramfs-user.cpio)
	$(PYTHON) tests/run-boot.py --iso $(BUILD)/pagoda-user.iso --user

debug: deps
	@$(MAKE) --no-print-directory DEBUG=$(DEBUG) $(BUILD)/pagoda.iso
	bash tools/qemu.sh --iso $(BUILD)/pagoda.iso --gdb

gdb:
	gdb -q -x tools/gdb/pagoda.gdb

# ---- scripted lectures (docs/lectures.md) ----
# A lecture: user/lectures/L.c booted as pid 1, gdb running the script
# tools/gdb/lectures/L.lecture. Its kernel is the DEBUG=1 build, kept in
# $(LECTURE_BUILD) so that the lectures' locals are there and build/ stays -O2.
LECTURE_BUILD := $(BUILD)/debug
LECTURES := $(basename $(notdir $(wildcard tools/gdb/lectures/*.lecture)))

lecture: deps
	@test -n "$(L)" -a -f "tools/gdb/lectures/$(L).lecture" || \
		{ echo "usage: make lecture L=NAME [BATCH=1]; NAME is one of: $(LECTURES)"; exit 2; }
	@$(MAKE) --no-print-directory lecture-isos
	bash tools/lecture.sh $(if $(filter 1,$(BATCH)),--batch) $(L)

lecture-isos:
	@$(MAKE) --no-print-directory BUILD=$(LECTURE_BUILD) DEBUG=1 $(LECTURE_BUILD)/pagoda.elf
	@$(MAKE) --no-print-directory $(LECTURES:%=$(BUILD)/lecture-%.iso)

$(BUILD)/lecture-%.iso: $(LECTURE_BUILD)/pagoda.elf $(BUILD)/initramfs.cpio boot/grub.cfg.in
	$(call make_iso,$@,init=/lectures/$* $(CMDLINE),$(BUILD)/initramfs.cpio,$(LECTURE_BUILD)/pagoda.elf)

# Host unit tests: kernel code compiled for Linux processes (no QEMU).
test-unit:
	bash tests/run-host.sh

clean:
	rm -rf $(BUILD)
