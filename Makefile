# Pagoda: `make run` boots the demo, `make test` runs every test.
# See README.md. CROSS= selects another toolchain prefix, CC=clang another
# compiler, DEBUG=1 builds for gdb (-O0), BUILD= another build directory.

CROSS	?=
CC	:= $(CROSS)gcc
LD	:= $(CROSS)ld
NM	:= $(CROSS)nm
OBJDUMP	:= $(CROSS)objdump
NASM	?= nasm
PYTHON	?= python3
BUILD	?= build

# DEBUG=1: -O0, so that every local a lecture prints has a home for its
# whole scope (at -Og, wp_page_copy's pte_t `entry` has no location at all
# and handle_mm_fault's `flags` dies at its last use). The lectures run on it.
ifeq ($(DEBUG),1)
OPT	:= -O0 -g
else
OPT	:= -O2 -g
endif

# $(call cc-option,FLAG): FLAG if $(CC) takes it, else nothing (Linux's
# scripts/Makefile.compiler). -Werror because clang only warns about the gcc
# optimisation flags it does not know.
cc-option = $(shell $(CC) -Werror $(1) -c -x c /dev/null -o /dev/null >/dev/null 2>&1 && echo "$(1)")
# $(call cc-ldoption,FLAG,OTHER-FLAGS): the same for a flag of a link with
# OTHER-FLAGS (clang 14 warns that it does not use -no-pie with -static: its
# static executables have no PIE anyway).
cc-ldoption = $(shell t=$$(mktemp) && { $(CC) -Werror $(2) $(1) -nostdlib -x c /dev/null -o $$t \
	>/dev/null 2>&1 && echo "$(1)"; rm -f $$t; })

# Every named function stays a function (only `static inline` helpers are
# inlined), so a lecturer can break on do_wp_page and a backtrace shows the
# path an article walks through. gcc needs one switch per inlining heuristic;
# clang has none of them, and its -finline-hint-functions (after
# -fno-inline-functions: the last one wins) is that contract in one flag.
KNOINLINE := $(strip $(call cc-option,-fno-inline-functions-called-once) \
	$(call cc-option,-fno-inline-small-functions) \
	-fno-inline-functions $(call cc-option,-finline-hint-functions) \
	-fno-optimize-sibling-calls -fno-asynchronous-unwind-tables)
# The spinlock checker (kernel/spinlock.h): recursion, unlock by a non-owner,
# lockdep_assert_held(). On by default, so make test runs with it; DEBUG_SPINLOCK=0 drops it.
DEBUG_SPINLOCK ?= 1
KCFLAGS	:= -DCONFIG_DEBUG_SPINLOCK=$(DEBUG_SPINLOCK) -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie $(KNOINLINE) \
	   -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
	   -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	   -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
	   -I. $(OPT) -MMD -MP
NASMFLAGS := -f elf64 -g -F dwarf

KERNEL_C := $(wildcard arch/x86_64/*.c kernel/*.c mm/*.c lib/*.c fs/*.c fs/*/*.c drivers/*/*.c tests/kernel/*.c)
KERNEL_ASM := $(wildcard boot/*.asm arch/x86_64/*.asm)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KERNEL_C)) $(patsubst %.asm,$(BUILD)/%.o,$(KERNEL_ASM))

CMDLINE	?=
# The hugetlb tests need a pool of 2 MB pages: 8, which Linux spreads over
# the two nodes round robin (4 each). tools/linux-oracle.sh boots Linux with
# the same number (its LINUX_HUGEPAGES, default 8): change both together.
# A test that needs another size writes /proc/sys/vm/nr_hugepages and puts
# it back; /init checks that every test leaves the pool as it found it.
TEST_HUGEPAGES ?= 8
TEST_CMDLINE ?= selftest=all hugepages=$(TEST_HUGEPAGES)

# The QEMU machine (tools/qemu.sh): NODES=N CPUS=M MEM=MB DIST=TABLE|ring, for
# make run, make test, make debug and the lectures; unset, the default
# 2 nodes x 512 MB, 2 CPUs, 10/20. make exports them to tools/qemu.sh (an
# environment variable does as well). The tests that depend on the machine
# learn it from the words qemu.nodes=, qemu.cpus= and qemu.dist= of the
# kernel command line (user/tests/machine.h), which the test ISOs carry.
export NODES CPUS MEM DIST
machine_words = $(if $(1),qemu.nodes=$(1)) $(if $(2),qemu.cpus=$(2)) $(if $(3),qemu.dist=$(3))

# make test boots a second machine, 4 nodes on a ring (distances 10/20/30)
# with 4 CPUs and 256 MB each, and runs every user test there too (and the
# kernel's self-tests, per node), named numa4/NAME: tasks spread over four
# CPUs find races two do not. The pool of 8 huge pages is 2 per node there.
# tools/linux-oracle.sh boots Linux on the same machine with the same list.
NUMA4_MACHINE	:= NODES=4 CPUS=4 DIST=ring
NUMA4_TESTS	:= all
NUMA4_CMDLINE	= $(TEST_CMDLINE) init.tests=$(NUMA4_TESTS) $(call machine_words,4,4,ring)

.PHONY: all kernel iso run test stress test-host test-unit bench debug gdb clean distclean deps run-user lecture lecture-isos FORCE
all: $(BUILD)/pagoda.iso

# ---- flag stamps: changing CC, CROSS, DEBUG or a flag rebuilds ----
# $(BUILD)/flags/NAME holds the command lines of one group of targets, and
# every target of the group depends on it. FORCE runs the recipe each time,
# but it rewrites the file only when the text changed, and make compares
# mtimes after the recipe: the group is rebuilt exactly when its flags
# changed. (`make -n` cannot run the check, so it lists a full rebuild.)
# $(1): the name of the variable holding the text (flags may contain commas).
define update_stamp
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(strip $($(1)))' | cmp -s - $@ || printf '%s\n' '$(strip $($(1)))' > $@
endef
FORCE:

KERNEL_FLAGS = $(CC) $(KCFLAGS) | $(NASM) $(NASMFLAGS) | $(LD)
KERNEL_STAMP := $(BUILD)/flags/kernel
$(KERNEL_STAMP): FORCE
	$(call update_stamp,KERNEL_FLAGS)

kernel: $(BUILD)/pagoda.elf

$(BUILD)/%.o: %.c $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.asm $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) $< -o $@

# Two links: the first gives the symbol table, which the second embeds at
# the same address (tools/kallsyms.py writes a blob of fixed size).
$(BUILD)/kallsyms0.S: tools/kallsyms.py
	@mkdir -p $(BUILD)
	$(PYTHON) tools/kallsyms.py $@
$(BUILD)/pagoda.elf0: $(KERNEL_OBJS) $(BUILD)/kallsyms0.o linker.ld $(KERNEL_STAMP)
	$(LD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KERNEL_OBJS) $(BUILD)/kallsyms0.o
$(BUILD)/kallsyms.S: $(BUILD)/pagoda.elf0 tools/kallsyms.py
	$(NM) -n $< > $(BUILD)/pagoda.nm0
	$(PYTHON) tools/kallsyms.py $(BUILD)/pagoda.nm0 $@
$(BUILD)/kallsyms%.o: $(BUILD)/kallsyms%.S $(KERNEL_STAMP)
	$(CC) -c $< -o $@
$(BUILD)/kallsyms.o: $(BUILD)/kallsyms.S $(KERNEL_STAMP)
	$(CC) -c $< -o $@
$(BUILD)/pagoda.elf: $(KERNEL_OBJS) $(BUILD)/kallsyms.o linker.ld $(KERNEL_STAMP)
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
# The test ISO also carries musl_hello (built by Debian's musl-gcc) and the
# pthread programs (musl and glibc) through the run-your-own-program path,
# as /user/NAME: that path gets a test.
TEST_USER_DIR := $(BUILD)/test-user
# Their command lines are a flag stamp: make test NODES=4 rebuilds them.
TEST_ISO_FLAGS = $(TEST_CMDLINE) $(call machine_words,$(NODES),$(CPUS),$(DIST)) $(CMDLINE) | $(NUMA4_CMDLINE)
TEST_ISO_STAMP := $(BUILD)/flags/test-iso
$(TEST_ISO_STAMP): FORCE
	$(call update_stamp,TEST_ISO_FLAGS)
$(BUILD)/pagoda-test.iso: $(BUILD)/pagoda.elf user boot/grub.cfg.in tools/mkcpio.py $(TEST_ISO_STAMP)
	rm -rf $(TEST_USER_DIR) && mkdir -p $(TEST_USER_DIR)
	$(if $(USER_MUSL_TESTS),cp $(U)/musl/musl_hello $(U)/pthread/pthread_musl $(TEST_USER_DIR)/)
	$(if $(USER_GLIBC_TESTS),cp $(U)/pthread/pthread_glibc $(TEST_USER_DIR)/)
	$(call stage_user_dir,$(BUILD)/initramfs-test,$(TEST_USER_DIR))
	$(call make_iso,$@,$(TEST_CMDLINE) $(call machine_words,$(NODES),$(CPUS),$(DIST)) $(CMDLINE),$(BUILD)/initramfs-test.cpio)
# The second machine of make test: the same initramfs (built by the rule above).
$(BUILD)/pagoda-numa4.iso: $(BUILD)/pagoda-test.iso
	$(call make_iso,$@,$(NUMA4_CMDLINE) $(CMDLINE),$(BUILD)/initramfs-test.cpio)

# $(1): staging directory to build, $(2): directory of the user's programs (-> /user)
define stage_user_dir
	rm -rf $(1) && cp -a $(USER_STAGE) $(1)
	mkdir -p $(1)/user && find $(2) -maxdepth 1 -type f -exec cp {} $(1)/user/ \;
	$(PYTHON) tools/mkcpio.py $(1) $(1).cpio
endef

# The benchmark as the first process, without page poisoning (Linux has none).
$(BUILD)/pagoda-bench.iso: $(BUILD)/pagoda.elf $(BUILD)/initramfs.cpio boot/grub.cfg.in
	$(call make_iso,$@,rdinit=/bench/bench_fault page_poison=off hugepages=4 $(CMDLINE),$(BUILD)/initramfs.cpio)

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda-bench.iso
	bash tools/bench.sh $(BUILD)/pagoda-bench.iso

deps:
	@CC='$(CC)' bash tools/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda.iso
	bash tools/qemu.sh --iso $(BUILD)/pagoda.iso

# The host unit tests, the gdb lecture check and the checks of the
# own-program targets run first; the boot runner counts their TAP with its
# own, so the last line covers everything.
test: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda-test.iso $(BUILD)/pagoda-numa4.iso $(BUILD)/pagoda.iso
	@echo "host unit tests (tests/run-host.sh) and the gdb lecture check (tests/gdb_lecture.sh)..."
	@bash tests/run-host.sh > $(BUILD)/host-tests.tap 2>&1 || true
	@bash tests/gdb_lecture.sh $(BUILD)/pagoda.iso > $(BUILD)/gdb-lecture.tap 2>&1 || true
	@echo "your own programs: make run-user (tests/run_user.sh) and make debug DIR= PROG= under gdb (tests/gdb_user.sh)..."
	@bash tests/run_user.sh > $(BUILD)/run-user.tap 2>&1 || true
	@bash tests/gdb_user.sh > $(BUILD)/gdb-user.tap 2>&1 || true
	@echo "the scripted lectures in batch mode (tools/lecture.sh --batch $(LECTURES))..."
	@$(MAKE) --no-print-directory lecture-isos
	@bash tools/lecture.sh --batch $(LECTURES) > $(BUILD)/lectures.log 2>&1 || true
	@echo "the NUMA and CPU tests on 4 nodes, 4 CPUs ($(NUMA4_MACHINE)), as numa4/NAME..."
	@env $(NUMA4_MACHINE) MEM= $(PYTHON) tests/run-boot.py --iso $(BUILD)/pagoda-numa4.iso \
		--log $(BUILD)/numa4-serial.log --prefix numa4/ --tap $(BUILD)/numa4.tap > $(BUILD)/numa4.log 2>&1 || true
	@grep '^time from QEMU start to its exit' $(BUILD)/numa4.log || true
	$(PYTHON) tests/run-boot.py --iso $(BUILD)/pagoda-test.iso \
		--also $(BUILD)/numa4.tap \
		--also $(BUILD)/host-tests.tap --also $(BUILD)/gdb-lecture.tap \
		--also $(BUILD)/run-user.tap --also $(BUILD)/gdb-user.tap \
		$(LECTURES:%=--also $(BUILD)/lecture-%.tap)

# make stress: tools/stress.sh boots the test kernel BOOTS times (default 3),
# one QEMU at a time, running only the concurrency tests with seeds SEED,
# SEED + 1000, ... (default: the clock), on the 4-node 4-CPU ring unless
# NODES=/CPUS= name another machine; ROUNDS= smp_stress rounds a boot.
# Logs and a summary in build/stress/<date-time>/ (docs/tests.md).
stress: deps
	@$(MAKE) --no-print-directory $(BUILD)/pagoda-test.iso
	BUILD=$(abspath $(BUILD)) $(if $(BOOTS),BOOTS=$(BOOTS)) $(if $(SEED),SEED=$(SEED)) \
		$(if $(ROUNDS),ROUNDS=$(ROUNDS)) TEST_HUGEPAGES=$(TEST_HUGEPAGES) bash tools/stress.sh

# ---- your own programs: make run-user DIR=, make debug DIR= PROG= ----
# DIR's files are staged as /user/NAME into a copy of the initramfs, on an
# ISO of their own (USER_ISO) whose command line says init.tests=user: /init
# runs only them, unless BUILTIN_TESTS=1 (then all of /tests first, as make
# test does). run-user's serial log is RUN_USER_LOG, not make test's.
USER_ISO	?= $(BUILD)/pagoda-user.iso
RUN_USER_LOG	?= $(BUILD)/run-user-serial.log
USER_CMDLINE	= init.tests=$(if $(filter 1,$(BUILTIN_TESTS)),all,user) $(CMDLINE)

.PHONY: user-iso user-programs
user-iso:
	@test -n "$(DIR)" || { echo "usage: make run-user DIR=path/to/static/programs (or make debug DIR=...)"; exit 2; }
	@test -d "$(DIR)" || { echo "DIR=$(DIR): no such directory"; exit 2; }
	@$(MAKE) --no-print-directory user $(BUILD)/pagoda.elf
	$(call stage_user_dir,$(basename $(USER_ISO))-initramfs,$(DIR))
	$(call make_iso,$(USER_ISO),$(USER_CMDLINE),$(basename $(USER_ISO))-initramfs.cpio)

run-user: deps
	@$(MAKE) --no-print-directory user-iso
	$(PYTHON) tests/run-boot.py --iso $(USER_ISO) --user --log $(RUN_USER_LOG)

# make debug: the demo (init=/bin/demo), or with DIR= your own programs, halted
# for gdb. SERIAL_LOG=FILE sends the console to FILE instead of this terminal.
debug: deps
	@$(MAKE) --no-print-directory DEBUG=$(DEBUG) $(if $(DIR),user-iso,$(BUILD)/pagoda.iso)
	$(if $(PROG),@echo "debug: in another terminal: make gdb PROG=$(PROG) (stops only in $(PROG)'s faults)")
	bash tools/qemu.sh --iso $(if $(DIR),$(USER_ISO),$(BUILD)/pagoda.iso) --gdb $(if $(SERIAL_LOG),--serial-log $(SERIAL_LOG))

# PROG=name: hardware breakpoints (BREAK, default handle_mm_fault) taken only
# when the current task's comm is name (prog-break, tools/gdb/user.py).
BREAK	?= handle_mm_fault
gdb:
	gdb -q -x tools/gdb/pagoda.gdb $(if $(PROG),-ex 'prog-break $(PROG) $(BREAK)')

# Programs built as a user builds theirs (README, "Running your own program"),
# for make test's checks of run-user and debug DIR= (tests/run_user.sh,
# tests/gdb_user.sh): $(BUILD)/user-programs/NAME from tests/user-programs/NAME.c.
USER_PROGRAMS := $(patsubst tests/user-programs/%.c,$(BUILD)/user-programs/%,$(wildcard tests/user-programs/*.c))
user-programs: $(USER_PROGRAMS)
$(BUILD)/user-programs/%: tests/user-programs/%.c $(USER_CRT0) $(USER_LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(USER_CFLAGS)) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBA) $(USER_LIBGCC)

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

# make -s print-VAR: a variable's value (tools/linux-oracle.sh reads NUMA4_*).
print-%:
	@printf '%s\n' '$($*)'

# Host unit tests: kernel code compiled for Linux processes (no QEMU).
test-unit:
	bash tests/run-host.sh

# clean keeps .cache/ (the Linux kernel tools/linux-oracle.sh downloads);
# distclean removes it too.
clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf .cache
