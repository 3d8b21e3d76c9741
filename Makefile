# svdrun: build, set-up, run and test. V=1 shows the compiler command lines.
#
# Each library's flags come from pkg-config, or from the variable of its own
# name where a cluster has no .pc file (environment modules, Spack), e.g.
#   make MPI_CFLAGS="$(mpicc --showme:compile)" MPI_LIBS="$(mpicc --showme:link)" \
#        SCALAPACK_LIBS="-L$SCALAPACK_ROOT/lib -lscalapack"
# WERROR=1 turns warnings into errors: on by default in a git checkout
# (development, CI), off elsewhere so a newer compiler is no trap for a user.
pc_cflags  = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs    = $(shell pkg-config --libs $(1) 2>/dev/null)
MPI_CFLAGS       ?= $(call pc_cflags,mpi-c)
MPI_LIBS         ?= $(call pc_libs,mpi-c)
OPENBLAS_CFLAGS  ?= $(call pc_cflags,openblas)
OPENBLAS_LIBS    ?= $(call pc_libs,openblas)
LAPACKE_CFLAGS   ?= $(call pc_cflags,lapacke)
LAPACKE_LIBS     ?= $(call pc_libs,lapacke)
SCALAPACK_CFLAGS ?= $(call pc_cflags,scalapack-openmpi)
SCALAPACK_LIBS   ?= $(call pc_libs,scalapack-openmpi)
INIH_CFLAGS      ?= $(call pc_cflags,inih)
INIH_LIBS        ?= $(call pc_libs,inih)
JANSSON_CFLAGS   ?= $(call pc_cflags,jansson)
JANSSON_LIBS     ?= $(call pc_libs,jansson)
CMOCKA_LIBS      ?= $(call pc_libs,cmocka)
ZLIB_CFLAGS      ?= $(call pc_cflags,zlib)
ZLIB_LIBS        ?= $(call pc_libs,zlib)

CC        ?= gcc
CFLAGS    ?= -O2 -g
WERROR    ?= $(if $(wildcard .git),1,0)
CFLAGS    += -std=c11 -D_GNU_SOURCE -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -fopenmp \
             -Iinclude
CPPFLAGS  += $(MPI_CFLAGS) $(OPENBLAS_CFLAGS) $(LAPACKE_CFLAGS) $(SCALAPACK_CFLAGS) \
             $(INIH_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)
# header dependencies from the compiler: a header's change rebuilds only what includes it
DEPFLAGS  := -MMD -MP
LDLIBS    += $(SCALAPACK_LIBS) $(LAPACKE_LIBS) $(OPENBLAS_LIBS) $(INIH_LIBS) $(JANSSON_LIBS) \
             $(ZLIB_LIBS) $(MPI_LIBS) -lm
VERSION   := 0.1.0
CPPFLAGS  += -DSVDRUN_VERSION=\"$(VERSION)\"

# the build directory: make B=build/san ... builds a second, independent tree
B         ?= build
MODULES   := dtype probe cli job plan cost matgen matset partition svd jacobi jacobi_simd run sysinfo report npy history tunerec jfield baserow compare \
             baseline labels tables pdsvd checkpoint stop fault stack twostage lazy budget channel work scatter \
             collect pdrun outcome log counter balance verify saveset banner resume files hash stats record npzout mixout \
             members memread zipdir fileset tune tunedb race tunerep tuned sweep
OBJS      := $(MODULES:%=$(B)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
# MPI test programs, launched by tests/mpi/*.sh under mpirun
MPIT_SRCS := $(wildcard tests/mpi/test_*.c)
TEST_SUPPORT := $(patsubst tests/support/%.c,$(B)/obj/support_%.o,$(wildcard tests/support/*.c))
MPIT_BINS := $(MPIT_SRCS:tests/mpi/%.c=$(B)/mpitests/%)

NP        ?= 4
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)
MPIRUN    := scripts/mpirun.sh

.PHONY: all deps run test unit bench clean check-deps
all: $(B)/svdrun $(B)/svdreport $(B)/svdfloor

# the include graph runs one way, as scripts/layers.txt writes it down
check-deps:
	@scripts/check-deps.sh

deps:
	@scripts/deps.sh

$(B)/obj/%.o: src/%.c | $(B)/obj
	@echo '  CC      $<'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/svdrun: $(B)/obj/main.o $(OBJS)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# svdreport links no MPI: only its own modules, record, stats and jansson.
SVDREPORT_MODULES := svdreport tables plot labels baseline compare history tunerec jfield baserow record stats dtype
SVDREPORT_LIBS := $(JANSSON_LIBS) -lm
$(B)/svdreport: $(SVDREPORT_MODULES:%=$(B)/obj/%.o)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(SVDREPORT_LIBS)

# svdfloor: the benchmark's floor, svdrun's own generator and kernels in a plain loop; no MPI.
SVDFLOOR_MODULES := svdfloor dtype job matset matgen verify hash stats svd jacobi jacobi_simd twostage sysinfo
$(B)/svdfloor: $(SVDFLOOR_MODULES:%=$(B)/obj/%.o)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LAPACKE_LIBS) $(OPENBLAS_LIBS) $(INIH_LIBS) -lm

$(B)/tests/%: tests/unit/%.c $(OBJS) $(TEST_SUPPORT) | $(B)/tests
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -Itests/support $< $(OBJS) $(TEST_SUPPORT) -o $@ \
	    $(LDLIBS) $(CMOCKA_LIBS)

$(B)/mpitests/%: tests/mpi/%.c $(OBJS) $(TEST_SUPPORT) | $(B)/mpitests
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -Itests/support $< $(OBJS) $(TEST_SUPPORT) -o $@ $(LDLIBS)

# oracles shared by the unit and MPI tests (kept: make would delete them as intermediates)
.SECONDARY: $(TEST_SUPPORT)
$(B)/obj/support_%.o: tests/support/%.c | $(B)/obj
	@echo '  CC      $<'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -Itests/support -c $< -o $@

$(B)/obj $(B)/tests $(B)/mpitests:
	mkdir -p $@

# The seed experiment on this machine: 16 matrices of 1000x1000, 1, 2 and 4 ranks;
# its records go to results/ (not in git), then svdreport tables and plots them.
RUN_ID    := $(shell date +%Y%m%d-%H%M%S)
run: deps
	$(MAKE) all
	mkdir -p results
	$(MPIRUN) -np $(NP) $(B)/svdrun --json results/seed-$(RUN_ID).jsonl jobs/seed.job
	@echo
	$(B)/svdreport results/seed-$(RUN_ID).jsonl --plot results/seed-$(RUN_ID).png

unit: $(UNIT_BINS) $(MPIT_BINS) $(B)/test/svdrun $(B)/test/svdreport

test: deps check-deps
	$(MAKE) all unit
	BUILD=$(B) tests/run.sh

bench: deps
	$(MAKE) all
	bench/run.sh

clean:
	rm -rf build

# The test build: the modules that carry the hidden fault hooks (SVDRUN_POISON,
# SVDRUN_FAULT; see include/fault.h) compiled a second time with them, so no
# hook exists in build/svdrun; the other modules are shared with it.
HOOKED    := $(sort $(basename $(notdir $(shell grep -l 'SVDRUN_TEST_HOOKS\|"fault.h"' src/*.c))))
TEST_OBJS := $(foreach m,$(MODULES),$(if $(filter $(m),$(HOOKED)),$(B)/test/obj/$(m).o,$(B)/obj/$(m).o))
$(B)/test/obj/%.o: src/%.c | $(B)/test/obj
	@echo '  CC      $< (test hooks)'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -DSVDRUN_TEST_HOOKS -c $< -o $@

$(B)/test/svdrun: $(B)/test/obj/main.o $(TEST_OBJS)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# svdreport's modules with fault hooks ('records', 'summarise', 'baseline') from the test build
SVDREPORT_TEST_OBJS := $(foreach m,$(SVDREPORT_MODULES) fault,\
                         $(if $(filter $(m),$(HOOKED)),$(B)/test/obj/$(m).o,$(B)/obj/$(m).o))
$(B)/test/svdreport: $(SVDREPORT_TEST_OBJS)
	@echo '  LD      $@'
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(SVDREPORT_LIBS)

$(B)/test/obj:
	mkdir -p $@

# ---- Man pages, fuzz dictionaries, install ----
# man/mangen prints cli_flags and job_keys, the tables --help prints, into the
# pages' templates man/*.in, so no page can drift from the code. make dicts
# rewrites the generated part of tests/fuzz/*.dict from the same tables
# (tests/mpi/manpages.sh fails when the committed ones differ).
MAN_PAGES := $(patsubst man/%.in,$(B)/man/%,$(wildcard man/*.in))
all: $(MAN_PAGES)

$(B)/mangen: man/mangen.c $(OBJS) | $(B)/obj
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $< $(OBJS) -o $@ $(LDLIBS)

$(B)/man/%: man/%.in $(B)/mangen | $(B)/man
	@echo '  GEN     $@'
	$(Q)$(B)/mangen page $< >$@.tmp && mv $@.tmp $@

$(B)/man:
	mkdir -p $@

.PHONY: man dicts install uninstall
man: $(MAN_PAGES)

dicts: $(B)/mangen
	$(Q)for d in job cli; do \
	    sed '/^# generated from job_keys/,$$d' tests/fuzz/$$d.dict >$(B)/$$d.dict && \
	    $(B)/mangen dict $$d >>$(B)/$$d.dict && mv $(B)/$$d.dict tests/fuzz/$$d.dict || exit 1; \
	done

# make install PREFIX=/opt/svdrun DESTDIR=/tmp/stage: the programs, the man
# pages, and under share/svdrun the example jobs and the Slurm scripts (which
# find the svdrun installed beside them, in ../../../bin).
PREFIX    ?= /usr/local
INSTALL   ?= install
DATADIR   := $(PREFIX)/share/svdrun
MANDIR    := $(PREFIX)/share/man
SLURM_SCRIPTS := $(wildcard slurm/*)
install: all
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/jobs $(DESTDIR)$(DATADIR)/slurm
	$(INSTALL) -m 755 $(B)/svdrun $(B)/svdreport $(B)/svdfloor $(DESTDIR)$(PREFIX)/bin
	$(INSTALL) -m 644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 644 jobs/*.job $(DESTDIR)$(DATADIR)/jobs
	$(INSTALL) -m 755 $(SLURM_SCRIPTS) $(DESTDIR)$(DATADIR)/slurm

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,svdrun svdreport svdfloor) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN_PAGES)))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MAN_PAGES))))
	rm -rf $(DESTDIR)$(DATADIR)

# ---- Hostile input: fuzzing, sanitizers, valgrind (docs/testing.md) ----
# make fuzz: the libFuzzer targets tests/fuzz/fuzz_*.c, built with clang into
# build/fuzz, replayed on their corpus and crashers, then fuzzed FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(B)/%,$(wildcard tests/fuzz/fuzz_*.c))
# the modules the parsers need: no MPI, no jansson
FUZZ_MODULES := dtype cli job matset matgen npy files
FUZZ_OBJS    := $(FUZZ_MODULES:%=$(B)/obj/%.o)

.PHONY: fuzz fuzz-build fuzzers sanitize sanitize-all valgrind tsan check-all
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_ARTIFACTS=$(CURDIR)/build/fuzz/artifacts tests/fuzz/fuzz.sh

fuzz-build:
	CFLAGS='$(FUZZ_CFLAGS)' $(MAKE) B=build/fuzz CC=clang fuzzers

fuzzers: $(FUZZ_BINS)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_check.h $(FUZZ_OBJS) | $(B)/obj
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) -o $@ $(INIH_LIBS) -lm

# make sanitize: the whole tree with ASan+UBSan in build/san, then every unit
# test and CI's subset of the MPI tests against it (results agreement, input,
# resume, the fault paths, a small ScaLAPACK and twostage run: their
# SVDRUN_TEST_QUICK=1 part); make sanitize-all: every MPI test, whole
# (tests/sanitize/run.sh: options, suppressions, reports).
SAN_CFLAGS   := -O2 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
sanitize: deps
	CFLAGS='$(SAN_CFLAGS)' $(MAKE) B=build/san all unit
	tests/sanitize/run.sh build/san

sanitize-all: deps
	CFLAGS='$(SAN_CFLAGS)' $(MAKE) B=build/san all unit
	tests/sanitize/run.sh --all build/san

# make valgrind: each unit test binary under valgrind; no leak definitely lost.
valgrind: deps
	$(MAKE) unit
	tests/sanitize/valgrind.sh $(B)

# make tsan: the unit tests that run threads, built with ThreadSanitizer in
# build/tsan; any race report fails (tests/sanitize/tsan.sh). They drive their
# threads with pthreads: libgomp is not instrumented, so TSan would not see
# OpenMP's barriers and would report races that are not there.
# Only the modules those tests need are linked: twostage's target_clones
# resolver would run instrumented before TSan has started, and crash.
TSAN_CFLAGS  := -O2 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS   := test_checkpoint test_stop
TSAN_MODULES := dtype checkpoint job matset matgen npy sysinfo stop files hash
tsan: deps
	CFLAGS='$(TSAN_CFLAGS)' $(MAKE) B=build/tsan MODULES='$(TSAN_MODULES)' \
	    $(TSAN_TESTS:%=build/tsan/tests/%)
	tests/sanitize/tsan.sh build/tsan $(TSAN_TESTS)

# make check-all: what CI (.ci/run) leaves out, with the rest: make test with
# the slow scenarios (SVDRUN_TEST_LONG=1), the whole MPI suite under ASan+UBSan,
# valgrind, tsan, and CHECK_FUZZ_SECONDS of fuzzing per target. It stops at
# the first step that fails.
CHECK_FUZZ_SECONDS ?= 300
check-all: deps
	SVDRUN_TEST_LONG=1 $(MAKE) test
	$(MAKE) sanitize-all
	$(MAKE) valgrind
	$(MAKE) tsan
	$(MAKE) fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

# bench/twostage.c: the two-stage kernel against dgesdd, for bench/twostage.sh
$(B)/bench-twostage: bench/twostage.c $(OBJS) | $(B)/obj
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $< $(OBJS) -o $@ $(LDLIBS)

# bench/jacobi.c: the jacobi pack kernel against kernel lapack on small matrices, for bench/jacobi.sh
$(B)/bench-jacobi: bench/jacobi.c $(OBJS) | $(B)/obj
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $< $(OBJS) -o $@ $(LDLIBS)

# bench/peers/eigen_svd.cc: Eigen's SVDs on the same matrices (matgen's). -O2, with AVX2 and FMA
# where this CPU has both (no -march=native: the flags are recorded, and say what ran); NDEBUG
# as a release build of Eigen has it. Eigen's headers are system headers: its warnings are not ours.
CXX             ?= g++
EIGEN_CFLAGS    ?= $(call pc_cflags,eigen3)
EIGEN_CXXFLAGS  ?= -O2 $(if $(shell grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && echo y),\
                   -mavx2 -mfma) -DNDEBUG
$(B)/bench-eigen-svd: bench/peers/eigen_svd.cc include/matgen.h $(B)/obj/matgen.o $(B)/obj/dtype.o | $(B)/obj
	@echo '  CXX LD  $@'
	$(Q)$(CXX) -std=c++17 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) $(EIGEN_CXXFLAGS) \
	    $(patsubst -I%,-isystem %,$(EIGEN_CFLAGS)) -Iinclude \
	    -DEIGEN_SVD_FLAGS='"$(strip $(EIGEN_CXXFLAGS))"' $< $(B)/obj/matgen.o $(B)/obj/dtype.o -o $@

# bench/gebrd.c: where dgesdd's sigma-only time goes (issue 9's ceiling); not part of all
$(B)/gebrd: bench/gebrd.c $(OBJS) | $(B)/obj
	@echo '  CC LD   $@'
	$(Q)$(CC) $(CFLAGS) $(CPPFLAGS) $< $(OBJS) -o $@ $(LDLIBS)

# the compiler's header dependencies (-MMD -MP), for every tree built
-include $(wildcard $(B)/obj/*.d $(B)/test/obj/*.d $(B)/tests/*.d $(B)/mpitests/*.d)
