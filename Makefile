# shardflow — one Makefile, read top to bottom.
#
#   make            build bin/shardflow and libshardflow.a
#   make run        install what is missing, build, run the COST benchmark (kron:20, pr + wcc)
#   make test       install what is missing, build, run the whole test suite
#   make SANITIZE=address|undefined|thread   sanitizer build (bin/shardflow-$(SANITIZE))
#   make MPI=0      build without Open MPI
#   make clean

CFLAGS ?= -O3 -g
MPI ?= 1
SANITIZE ?=

# Debian packages the build, the tests and the plots need.
PACKAGES := gcc make pkg-config libhwloc-dev hwloc libjemalloc-dev liburing-dev zlib1g-dev \
            libcriterion-dev gnuplot-nox
ifeq ($(MPI),1)
PACKAGES += libopenmpi-dev openmpi-bin
endif

override CFLAGS += -std=gnu11 -fopenmp -pthread -Wall -Wextra -I. -MMD -MP
LDLIBS := -lhwloc -luring -lz -lm

ifeq ($(MPI),1)
MPICC_COMPILE := $(shell mpicc --showme:compile 2>/dev/null)
MPICC_LINK := $(shell mpicc --showme:link 2>/dev/null)
override CFLAGS += -DSF_HAVE_MPI=1 $(MPICC_COMPILE)
LDLIBS += $(MPICC_LINK)
endif

ifeq ($(SANITIZE),)
BUILD := build/release$(if $(filter 0,$(MPI)),-nompi)
BIN := bin/shardflow
LDLIBS += -ljemalloc          # jemalloc is the binary's allocator
override CFLAGS += -DSF_HAVE_JEMALLOC=1   # per-node arenas in engine/numa.c; sanitizer builds use malloc
else
BUILD := build/$(SANITIZE)$(if $(filter 0,$(MPI)),-nompi)
BIN := bin/shardflow-$(SANITIZE)
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

.PHONY: all run test deps clean
all: $(BIN) libshardflow.a

# Installs missing packages when root; otherwise prints the one line to run.
$(DEPS_STAMP): Makefile
	@missing=""; for p in $(PACKAGES); do \
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
# through SF_BIN and the datasets through SF_DATASETS.
SF_DATASETS ?= $(abspath ../shared/datasets)
test: $(TEST_BIN) $(BIN)
	SF_BIN=$(abspath $(BIN)) SF_DATASETS=$(SF_DATASETS) $(TEST_BIN) --jobs 2

run: $(BIN)
	$(BIN) bench --graphs kron:20 --algos pr,wcc --threads 1,$$(nproc) --out bench-out

clean:
	rm -rf build bin libshardflow.a

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# The run record carries the version and the flags the binary was built with.
SF_CFLAGS := $(filter-out -I% -MMD -MP,$(CFLAGS))
$(BUILD)/engine/record.o: override CFLAGS += -DSF_VERSION='"$(shell git describe --always --dirty 2>/dev/null || echo unknown)"' -DSF_CFLAGS='"$(SF_CFLAGS)"'
