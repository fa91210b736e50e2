# shardflow — one Makefile, read top to bottom.
#
#   make            build bin/shardflow and libshardflow.a
#   make run        install what is missing, build, run the COST benchmark (kron:20, pr + wcc)
#   make test       install what is missing, build, run the whole test suite
#   make SANITIZE=address|undefined|thread   sanitizer build (bin/shardflow-$(SANITIZE))
#   make bench-tools   bin/iostream-reader (the gapbs-style text reader bench/load.sh compares with)
#                      and bin/plain-load (a plain CSR load written out, which bench/load.sh times too);
#                      bin/sg-from-el (an edge list as a gapbs .sg, for measuring .sg loads)
#   make fuzz       install clang's libFuzzer, fuzz every parser (the .sfg reader too) for FUZZ_SECONDS each
#   make MPI=0      build without Open MPI (bin/shardflow-nompi: single process only)
#   make clean

CFLAGS ?= -O3 -g
MPI ?= 1
SANITIZE ?=

# Debian packages the build, the tests and the plots need.
PACKAGES := gcc make pkg-config libhwloc-dev hwloc libjemalloc-dev liburing-dev zlib1g-dev \
            libdeflate-dev libjansson-dev libcriterion-dev gnuplot-nox
ifeq ($(MPI),1)
PACKAGES += libopenmpi-dev openmpi-bin
endif

override CFLAGS += -std=gnu11 -fopenmp -pthread -Wall -Wextra -I. -MMD -MP
LDLIBS = -lhwloc -luring -lz -ldeflate -ljansson -lm

# Deferred (=, not :=): on a fresh machine mpicc exists only once the
# packages step has run, so its flags are asked for when a recipe runs.
ifeq ($(MPI),1)
MPICC_COMPILE = $(shell mpicc --showme:compile 2>/dev/null)
MPICC_LINK = $(shell mpicc --showme:link 2>/dev/null)
override CFLAGS += -DSF_HAVE_MPI=1 $(MPICC_COMPILE)
LDLIBS += $(MPICC_LINK)
endif

# A binary without MPI gets its own name, so that both can live side by side
# (the tests check that the one without MPI refuses to run under mpirun).
NOMPI := $(if $(filter 0,$(MPI)),-nompi)
ifeq ($(SANITIZE),)
BUILD := build/release$(NOMPI)
BIN := bin/shardflow$(NOMPI)
LDLIBS += -ljemalloc          # jemalloc is the binary's allocator
override CFLAGS += -DSF_HAVE_JEMALLOC=1   # per-node arenas in engine/numa.c; sanitizer builds use malloc
else
BUILD := build/$(SANITIZE)$(NOMPI)
BIN := bin/shardflow-$(SANITIZE)$(NOMPI)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC := $(wildcard engine/*.c operators/*.c io/*.c datasets/*.c bench/*.c)
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libshardflow.a
TEST_BIN := $(BUILD)/shardflow-tests
DEPS_STAMP := build/.packages-ok

.PHONY: all run test deps clean nompi bench-tools
all: $(BIN) libshardflow.a

# Installs the missing packages among $(1) when root; otherwise prints the
# one line to run.
define install_missing
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "installing:$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
  else \
    echo "missing packages; run:  sudo apt-get install -y$$missing"; exit 1; \
  fi; \
fi
endef

$(DEPS_STAMP): Makefile
	@$(call install_missing,$(PACKAGES))
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_STAMP)

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

libshardflow.a: $(LIB)
	cp $< $@

$(BIN): $(CLI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(TEST_OBJ) $(LIB) $(LDLIBS) -lcriterion -o $@

# The whole suite is one Criterion binary; tests that drive the CLI find it
# through SF_BIN and the datasets through SF_DATASETS. With MPI, the MPI
# tests also get the binary built without it (SF_BIN_NOMPI).
SF_DATASETS ?= $(abspath ../shared/datasets)
ifeq ($(MPI)$(SANITIZE),1)
NOMPI_BIN := bin/shardflow-nompi
test: nompi
nompi: | $(DEPS_STAMP)
	$(MAKE) --no-print-directory MPI=0 $(NOMPI_BIN)
endif
test: $(TEST_BIN) $(BIN)
	SF_BIN=$(abspath $(BIN)) $(if $(NOMPI_BIN),SF_BIN_NOMPI=$(abspath $(NOMPI_BIN))) \
	  SF_DATASETS=$(SF_DATASETS) $(TEST_BIN) --jobs 2

# Two references bench/load.sh times beside shardflow, not part of it
# (bench/tools/): the reader gapbs uses (C++ iostreams; only this target
# needs g++) and a plain CSR load written out (plain_load.c); and a writer
# of gapbs .sg files, which convert does not write (sg_from_el.c).
BENCH_STAMP := build/.bench-packages-ok
$(BENCH_STAMP): Makefile
	@$(call install_missing,g++)
	@mkdir -p $(@D) && touch $@
bench-tools: bin/iostream-reader bin/plain-load bin/sg-from-el
bin/iostream-reader: bench/tools/iostream_reader.cc | $(BENCH_STAMP)
	@mkdir -p $(@D)
	$(CXX) -O3 -std=c++17 -Wall -Wextra $< -o $@
# the headers they include come from their dependency files (bin/*.d)
bin/plain-load: bench/tools/plain_load.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -O3 -std=gnu11 -fopenmp -Wall -Wextra -I. -MMD -MP $< -o $@
bin/sg-from-el: bench/tools/sg_from_el.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -I. -MMD -MP $< -o $@
-include $(wildcard bin/*.d)

run: $(BIN)
	$(BIN) bench --graphs kron:20 --algos pr,wcc --threads 1,$$(nproc) --out bench-out

clean:
	rm -rf build bin libshardflow.a

# Fuzzing: one libFuzzer harness per parser, the snapshot reader's included
# (tests/fuzz/fuzz_NAME.c, the checks in tests/fuzz/targets.h), built by
# clang with AddressSanitizer over the io sources and the few engine files
# they use, each run for FUZZ_SECONDS from its seeds (tests/fuzz/seeds/NAME)
# and the corpus it grew before (build/fuzz/corpus). An input that crashes,
# leaks or hangs is written to tests/fuzz/regressions/NAME/, which `make
# test` replays: commit it with the fix. Only this target needs clang;
# `make test` does not.
FUZZ_SECONDS ?= 10
FUZZ_CC := clang-14
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev libomp-14-dev
FUZZ_BUILD := build/fuzz
FUZZ_STAMP := build/.fuzz-packages-ok
FUZZ_CFLAGS := -O1 -g -std=gnu11 -fopenmp -Wall -Wextra -I. -MMD -MP -fno-omit-frame-pointer \
               -fsanitize=address
FUZZ_LIB_SRC := io/reader.c io/stream.c io/text_edges.c io/text_reader.c io/ldbc.c io/mtx.c io/gapbs.c io/binary_edges.c \
                io/snapshot.c engine/edge_list.c engine/env.c engine/error.c engine/parallel.c engine/graph.c engine/order.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

.SECONDARY: $(FUZZ_LIB_OBJ)
$(FUZZ_STAMP): Makefile
	@$(call install_missing,$(FUZZ_PACKAGES))
	@mkdir -p $(@D) && touch $@

$(FUZZ_BUILD)/%.o: %.c | $(FUZZ_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/targets.h tests/sfg_bytes.h $(FUZZ_LIB_OBJ) | $(FUZZ_STAMP)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJ) -luring -lz -ldeflate -lm -o $@

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	@failed=""; for f in $(FUZZ_NAMES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$f tests/fuzz/regressions/$$f; \
	  dict=""; [ -f tests/fuzz/$$f.dict ] && dict="-dict=tests/fuzz/$$f.dict"; \
	  OMP_NUM_THREADS=2 $(FUZZ_BUILD)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $$dict \
	    -artifact_prefix=tests/fuzz/regressions/$$f/ $(FUZZ_BUILD)/corpus/$$f tests/fuzz/seeds/$$f \
	    >$(FUZZ_BUILD)/$$f.log 2>&1 || failed="$$failed $$f"; \
	  echo "fuzz $$f: $$(grep -m1 -o 'executed_units: *[0-9]*' $(FUZZ_BUILD)/$$f.log | \
	    grep -o '[0-9]*$$') inputs in $(FUZZ_SECONDS) s, corpus of $$(ls $(FUZZ_BUILD)/corpus/$$f | wc -l)"; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "fuzz: failures in$$failed (logs: $(FUZZ_BUILD)/NAME.log; inputs kept in tests/fuzz/regressions/NAME/)"; \
	  exit 1; \
	fi

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d)

# The run record carries the version and the flags the binary was built with.
# build/.version changes only when `git describe` does, so record.o is rebuilt
# exactly when the version it bakes in would be stale.
SF_CFLAGS := $(filter-out -I% -MMD -MP,$(CFLAGS))
SF_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
VERSION_STAMP := build/.version
$(shell mkdir -p build; [ "$$(cat $(VERSION_STAMP) 2>/dev/null)" = "$(SF_VERSION)" ] || echo "$(SF_VERSION)" > $(VERSION_STAMP))
$(BUILD)/engine/record.o: $(VERSION_STAMP)
$(BUILD)/engine/record.o: override CFLAGS += -DSF_VERSION='"$(SF_VERSION)"' -DSF_CFLAGS='"$(SF_CFLAGS)"'
