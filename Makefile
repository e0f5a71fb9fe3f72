# caucus — build, test, run. See README.md.
#   make            build build/caucus and build/libcaucus.a
#   make deps       install missing Debian packages (no-op when present)
#   make run        deps + build + serve the policy TTX sample (prints URL and join codes)
#   make test       deps + unit/integration tests, normal and ASan+UBSan builds, then the
#                   CLI tests again under Valgrind memcheck, cppcheck, clang-tidy, and every
#                   fuzz target for TEST_FUZZ_SECONDS (60)
#   make bench      benchmarks -> bench/RESULTS.md
#   make fuzz       libFuzzer targets (FUZZ_SECONDS per target)
#   make soak       kill test x2000, then SOAK_MINUTES of the live server under load with SIGKILLs
#   make install    PREFIX=/usr/local

CC        ?= cc
BUILD     ?= build
PREFIX    ?= /usr/local
SANITIZE  ?= 0
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 60
VERSION   := 0.1.0

PKGS      := libfyaml jansson libsodium libcrypto sqlite3 libpq xlsxwriter libmicrohttpd libzip expat
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wunreachable-code
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT       ?= -O2 -g
ifeq ($(SANITIZE),1)
OPT       := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS    += $(CSTD) $(WARN) $(OPT) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
LDFLAGS   += $(OPT)
LDLIBS    += $(PKG_LIBS) -lm -pthread

LIB_SRC   := $(wildcard src/core/*.c src/io/*.c src/sim/*.c src/store/*.c src/report/*.c src/server/*.c)
CLI_SRC   := $(wildcard src/cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c tests/support/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)
UI_FILES  := $(wildcard ui/*)
REPORT_LANG := $(wildcard src/report/lang/*.json)
GEN       := $(BUILD)/gen/iso3166.inc $(BUILD)/gen/ui.inc $(BUILD)/gen/report_lang.inc

.PHONY: all deps run test check bench fuzz install clean soak
all: $(BUILD)/caucus $(BUILD)/libcaucus.a

$(BUILD)/gen/iso3166.inc: tools/gen-iso3166.sh
	@mkdir -p $(dir $@)
	sh tools/gen-iso3166.sh > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/ui.inc: tools/embed.py $(UI_FILES)
	@mkdir -p $(dir $@)
	python3 tools/embed.py $@ $(UI_FILES)

$(BUILD)/gen/report_lang.inc: tools/embed.py $(REPORT_LANG)
	@mkdir -p $(dir $@)
	python3 tools/embed.py --name report_lang $@ $(REPORT_LANG)

# the generated headers: made before any object (order-only); an object is rebuilt when one it
# includes changes, as its dependency file (-MMD) records, not on every change of every one
$(BUILD)/%.o: %.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcaucus.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/caucus: $(CLI_OBJ) $(BUILD)/libcaucus.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libcaucus.a $(LDLIBS)

$(BUILD)/tests/unit: $(TEST_OBJ) $(BUILD)/libcaucus.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libcaucus.a $(LDLIBS) -lcriterion

# caucus with MPI (caucus sim --mpi): sim_mpi.c compiled with CC_HAVE_MPI, linked before
# libcaucus.a (whose stub copy is then not pulled). Built when OpenMPI is installed.
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c 2>/dev/null)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null)
ifneq ($(MPI_LIBS),)
all: $(BUILD)/caucus-mpi
check: $(BUILD)/caucus-mpi
endif
$(BUILD)/mpi/sim_mpi.o: src/sim/sim_mpi.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MPI_CFLAGS) -DCC_HAVE_MPI -MMD -MP -c $< -o $@

$(BUILD)/caucus-mpi: $(CLI_OBJ) $(BUILD)/mpi/sim_mpi.o $(BUILD)/libcaucus.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/mpi/sim_mpi.o $(BUILD)/libcaucus.a $(LDLIBS) $(MPI_LIBS)

$(BUILD)/tests/store_writer: $(BUILD)/tests/tools/store_writer.o $(BUILD)/tests/support/evgen.o $(BUILD)/libcaucus.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@sh tools/deps.sh

# The main job: a live tabletop exercise on the policy TTX sample, stored in caucus.db (SQLite).
# It prints the control console URL and every seat's join code; Ctrl-C stops it.
RUN_DB     ?= caucus.db
RUN_LISTEN ?= 127.0.0.1:8080
run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/caucus serve scenarios/ncg-policy-ttx.yaml --guidelines scenarios/ncg-policy-ttx.guidelines.note --db $(RUN_DB) --listen $(RUN_LISTEN)

# One pass of every test suite against the build in $(BUILD).
check: $(BUILD)/caucus $(BUILD)/tests/unit $(BUILD)/tests/store_writer
	sh tests/run.sh $(BUILD)

# Each phase is timed (tests/timed.sh); the summary lists the seconds each took.
test: deps
	@mkdir -p build && : > build/test-times
	@sh tests/timed.sh build $(MAKE) --no-print-directory check BUILD=build
	@sh tests/timed.sh build-asan $(MAKE) --no-print-directory check BUILD=build-asan SANITIZE=1 CC=clang
	@sh tests/timed.sh valgrind sh tests/valgrind.sh build
	@sh tests/timed.sh cppcheck sh tools/cppcheck.sh
	@sh tests/timed.sh clang-tidy sh tools/clang-tidy.sh build-tidy
	@sh tests/timed.sh fuzz sh fuzz/run.sh $(TEST_FUZZ_SECONDS)
	@sh tests/summary.sh build build-asan build/vg build-fuzz

bench: deps all
	sh bench/run.sh $(BUILD)

# Soak: the store's kill test with many more rounds, then SOAK_MINUTES of the live server under
# SOAK_PLAYERS simulated players with a SIGKILL and restart every SOAK_KILL_EVERY seconds.
SOAK_MINUTES    ?= 30
SOAK_PLAYERS    ?= 500
SOAK_KILL_EVERY ?= 120
soak: deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/store_writer
	CAUCUS_KILL_ROUNDS=2000 CAUCUS_TEST_PG=$$(sh tools/pg-test.sh) sh tests/cli/store.sh $(BUILD)
	d=$$(mktemp -d) && python3 tests/soak/soak.py $(BUILD)/caucus $$d $(SOAK_MINUTES) $(SOAK_PLAYERS) $(SOAK_KILL_EVERY)

fuzz: deps
	sh fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/caucus/core $(DESTDIR)$(PREFIX)/include/caucus/io \
	  $(DESTDIR)$(PREFIX)/include/caucus/sim $(DESTDIR)$(PREFIX)/include/caucus/store \
	  $(DESTDIR)$(PREFIX)/include/caucus/report \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/caucus $(DESTDIR)$(PREFIX)/bin/caucus
	install -m 644 $(BUILD)/libcaucus.a $(DESTDIR)$(PREFIX)/lib/libcaucus.a
	install -m 644 $(filter-out %_int.h,$(wildcard src/core/*.h)) $(DESTDIR)$(PREFIX)/include/caucus/core/
	install -m 644 src/io/*.h $(DESTDIR)$(PREFIX)/include/caucus/io/
	install -m 644 src/sim/*.h $(DESTDIR)$(PREFIX)/include/caucus/sim/
	install -m 644 src/store/store.h $(DESTDIR)$(PREFIX)/include/caucus/store/
	install -m 644 src/report/report.h $(DESTDIR)$(PREFIX)/include/caucus/report/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' caucus.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/caucus.pc
	install -m 644 docs/caucus.1 $(DESTDIR)$(PREFIX)/share/man/man1/caucus.1

clean:
	rm -rf build build-asan build-fuzz build-tidy

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/tests/tools/store_writer.d $(BUILD)/mpi/sim_mpi.d
