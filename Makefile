# svdrun: build, set-up, run and test. Dependencies come from Debian, found with pkg-config.
# V=1 shows the compiler command lines.

PKGS      := mpi-c openblas lapacke inih jansson scalapack-openmpi
CC        ?= gcc
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fopenmp -Iinclude
CPPFLAGS  += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
VERSION   := 0.1.0
CPPFLAGS  += -DSVDRUN_VERSION=\"$(VERSION)\"

MODULES   := job plan matgen partition svd run sysinfo report npy compare pdsvd
OBJS      := $(MODULES:%=build/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
# MPI test programs, launched by tests/mpi/*.sh under mpirun
MPIT_SRCS := $(wildcard tests/mpi/test_*.c)
TEST_SUPPORT := $(patsubst tests/support/%.c,build/obj/support_%.o,$(wildcard tests/support/*.c))
MPIT_BINS := $(MPIT_SRCS:tests/mpi/%.c=build/mpitests/%)

NP        ?= 4
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)
MPIRUN    := scripts/mpirun.sh

.PHONY: all deps run test unit bench clean
all: build/svdrun build/svdreport build/svdfloor

deps:
	@scripts/deps.sh

build/obj/%.o: src/%.c $(wildcard include/*.h) | build/obj
	@echo '  CC      $<'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

build/svdrun: build/obj/main.o $(OBJS)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# svdreport links no MPI: only the compare module and jansson.
build/svdreport: build/obj/svdreport.o build/obj/compare.o
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(shell pkg-config --libs jansson) -lm

# svdfloor: the benchmark's floor, svdrun's own modules in a plain loop; it links MPI only
# because report.o does, and never initialises it.
build/svdfloor: build/obj/svdfloor.o $(OBJS)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

build/tests/%: tests/unit/%.c $(OBJS) $(TEST_SUPPORT) $(wildcard include/*.h) | build/tests
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -Itests/support $< $(OBJS) $(TEST_SUPPORT) -o $@ $(LDLIBS) $(shell pkg-config --libs cmocka)

build/mpitests/%: tests/mpi/%.c $(OBJS) $(TEST_SUPPORT) $(wildcard include/*.h) | build/mpitests
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -Itests/support $< $(OBJS) $(TEST_SUPPORT) -o $@ $(LDLIBS)

# oracles shared by the unit and MPI tests (kept: make would delete them as intermediates)
.SECONDARY: $(TEST_SUPPORT)
build/obj/support_%.o: tests/support/%.c $(wildcard tests/support/*.h) | build/obj
	@echo '  CC      $<'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -Itests/support -c $< -o $@

build/obj build/tests build/mpitests:
	mkdir -p $@

# The seed experiment on this machine: 16 matrices of 1000x1000, 1, 2 and 4 ranks;
# its records go to results/ (not in git), then svdreport tables and plots them.
RUN_ID    := $(shell date +%Y%m%d-%H%M%S)
run: deps
	$(MAKE) all
	mkdir -p results
	$(MPIRUN) -np $(NP) build/svdrun --json results/seed-$(RUN_ID).jsonl jobs/seed.job
	@echo
	build/svdreport results/seed-$(RUN_ID).jsonl --plot results/seed-$(RUN_ID).png

unit: $(UNIT_BINS) $(MPIT_BINS) build/test/svdrun

test: deps
	$(MAKE) all unit
	tests/run.sh

bench: deps
	$(MAKE) all
	bench/run.sh

clean:
	rm -rf build

# The test build: run.c with the hidden fault hooks (SVDRUN_POISON=k puts a NaN into matrix k).
build/test/run.o: src/run.c $(wildcard include/*.h) | build/test
	@echo '  CC      $< (test hooks)'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -DSVDRUN_TEST_HOOKS -c $< -o $@

build/test/svdrun: build/obj/main.o $(filter-out build/obj/run.o,$(OBJS)) build/test/run.o
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

build/test:
	mkdir -p $@
