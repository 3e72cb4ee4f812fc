# ptkit - read, explain and edit x86-64 page tables.
#
#   make            build libptkit.a, libptkit.so and ptkit
#   make demo       build an image of a Linux-like kernel and walk it
#   make check      the whole test suite, under prove
#   make asan-check the suite again, built with ASan and UBSan
#   make install    PREFIX=/usr/local DESTDIR=
#
# Each target first makes sure the Debian packages it needs are installed
# (tests/deps.sh).

VERSION    := 0.1.0
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

# Objects and outputs go under O (the top directory by default), so a
# sanitizer build can live beside the normal one.
O          ?= .
CC         ?= cc
CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -fPIC -fvisibility=default \
              -Ilib -Iformats -MMD -MP $(CPPFLAGS) $(CFLAGS)
# libkdumpfile, libtracecmd and libtraceevent are loaded when a kdump file
# or a trace.dat is opened (lib/dl-priv.h), not linked.
LIBS       := -lelf -lbpf -lm
CLI_LIBS   := -lncursesw -pthread

LIB_SRC    := $(wildcard lib/*.c) $(wildcard formats/*.c)
CLI_SRC    := $(wildcard cli/*.c)
UNIT_SRC   := $(wildcard tests/unit/test-*.c)
LIB_OBJ    := $(LIB_SRC:%.c=$(O)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(O)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(O)/obj/tests/%)
BENCH_SRC  := $(wildcard tests/bench/*.c)
BENCH_BIN  := $(BENCH_SRC:tests/bench/%.c=$(O)/obj/tests/%)
TOOL_SRC   := $(wildcard tests/tools/*.c)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(O)/obj/tests/%)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz-%.c=%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(O)/obj/tests/replay-%)
FUZZ_SECONDS ?= 60
HEADERS    := $(wildcard lib/ptkit/*.h)
MANPAGES   := $(wildcard man/*.[135])

# The Python module (make python), over the static library: Debian's python3 and
# python3-dev (not whatever python3 comes first in PATH).
PYTHON     ?= /usr/bin/python3
PY_EXT     := $(O)/obj/python/ptkit$(shell $(PYTHON)-config --extension-suffix 2>/dev/null || echo .so)
PY_SRC     := $(wildcard python/*.c)
PY_OBJ     := $(PY_SRC:%.c=$(O)/obj/%.o)

STATIC     := $(O)/libptkit.a
SHARED     := $(O)/libptkit.so
BIN        := $(O)/ptkit

.PHONY: all deps test-deps demo check check-headers lint-man asan-check \
        valgrind-check bench fuzz fuzz-run install uninstall clean deb python \
        install-python

all: $(STATIC) $(SHARED) $(BIN)

deps:
	@sh tests/deps.sh build
test-deps:
	@sh tests/deps.sh test

$(O)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The soname of an optional library, the one its -dev package links to;
# run by the shell when the rule does, after deps has installed it.
soname = "\"$$(objdump -p "$$($(CC) -print-file-name=lib$(1).so)" | \
	sed -n 's/^ *SONAME *//p')\""

$(O)/obj/formats/kdump.o: formats/kdump.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DKDUMPFILE_SONAME=$(call soname,kdumpfile) -c -o $@ $<

# libtracecmd's headers include each other by bare name; pkg-config runs
# when the rule does, after deps has installed it.
$(O)/obj/formats/tracedat.o: formats/tracedat.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags libtracecmd) \
	    -DTRACECMD_SONAME=$(call soname,tracecmd) \
	    -DTRACEEVENT_SONAME=$(call soname,traceevent) -c -o $@ $<

$(STATIC): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ) lib/libptkit.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libptkit.so.0 \
	    -Wl,--version-script=lib/libptkit.map -o $@ $(LIB_OBJ) $(LIBS)

$(BIN): $(CLI_OBJ) $(STATIC)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LIBS) $(CLI_LIBS)

$(O)/obj/tests/%: tests/unit/%.c $(STATIC) tests/unit/unit.h | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(STATIC) $(LIBS) -lkdumpfile -lcmocka

# Test helpers: the libaddrxlat reference translator, input makers, a
# counter of zlib's work.
$(O)/obj/tests/%: tests/tools/%.c $(STATIC) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATIC) $(LIBS) -lkdumpfile -laddrxlat -lz -ldl

# Benchmarks: ratios against a plain read and libaddrxlat, same run.
$(O)/obj/tests/%: tests/bench/%.c $(STATIC) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATIC) $(LIBS) -lkdumpfile -laddrxlat

bench: all $(BENCH_BIN) $(TOOL_BIN)
	PTKIT=$(abspath $(BIN)) TOOLS=$(abspath $(O)/obj/tests) tests/bench/bench.sh

# Fuzz targets: replayed on their corpora by make check (any compiler),
# run under libFuzzer by make fuzz (clang).
$(O)/obj/tests/replay-%: tests/fuzz/fuzz-%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/driver.c $(STATIC) $(LIBS)

$(O)/obj/fuzz/%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(STATIC) $(LIBS)

fuzz: | test-deps
	$(MAKE) O=build-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link \
	    -fno-sanitize-recover=all" fuzz-run

# Each target for FUZZ_SECONDS; crashes land in tests/fuzz/crashes/ and
# belong in tests/fuzz/corpus/NAME/ once fixed, where make check replays them.
fuzz-run: $(FUZZ_NAMES:%=$(O)/obj/fuzz/%)
	@mkdir -p tests/fuzz/crashes
	@for t in $(FUZZ_NAMES); do \
	    mkdir -p $(O)/corpus/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	    $(O)/obj/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=tests/fuzz/crashes/$$t- \
	        $(O)/corpus/$$t tests/fuzz/corpus/$$t 2>&1 | \
	        grep -E "^stat::number_of_executed_units|^==|ERROR|SUMMARY" ; \
	done

# The demo: the "linux" preset, 4 GiB, walked as the kernel's ptdump would.
demo: all
	@mkdir -p $(O)/obj
	./$(BIN) mkimage --preset=linux -o $(O)/obj/demo.img
	./$(BIN) info $(O)/obj/demo.img
	./$(BIN) walk --format=ptdump $(O)/obj/demo.img
	./$(BIN) translate $(O)/obj/demo.img 0xffffffff81000000

# Every public header compiles on its own.
check-headers: | deps
	@for h in $(HEADERS); do \
	    echo "#include \"$$h\"" | \
	    $(CC) -std=c99 -Wall -Wextra -Werror -Ilib -x c -fsyntax-only - \
	    || exit 1; done; echo "headers: ok"

lint-man: | test-deps
	mandoc -Tlint -W warning $(MANPAGES)

# (gentrace, a bench tool, makes replay.t's trace of every page of RAM)
check: all $(UNIT_BIN) $(TOOL_BIN) $(REPLAY_BIN) $(O)/obj/tests/gentrace $(PY_EXT) \
       check-headers lint-man | test-deps
	PTKIT=$(abspath $(BIN)) TOOLS=$(abspath $(O)/obj/tests) \
	    prove --exec '' $(PROVE_FLAGS) $(UNIT_BIN) tests/cli/*.t

asan-check: | test-deps
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	$(MAKE) O=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer" check

# The command-line tests with every ptkit run under valgrind: any error or
# leak makes ptkit exit 99, which no test expects.
VALGRIND_TESTS := $(filter-out %/realdata.t %/corrupt.t %/fuzz.t \
                  %/install.t,$(wildcard tests/cli/*.t))
valgrind-check: all $(TOOL_BIN) $(O)/obj/tests/gentrace | test-deps
	PTKIT=$(abspath $(BIN)) TOOLS=$(abspath $(O)/obj/tests) \
	PTKIT_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    --suppressions=$(abspath tests/valgrind.supp)" \
	    prove $(VALGRIND_TESTS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCLUDEDIR)/ptkit $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ptkit
	install -m 644 completion/ptkit.bash $(DESTDIR)$(COMPLETIONDIR)/ptkit
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/libptkit.a
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/libptkit.so.$(VERSION)
	ln -sf libptkit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libptkit.so.0
	ln -sf libptkit.so.0 $(DESTDIR)$(LIBDIR)/libptkit.so
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/ptkit/
	for m in $(MANPAGES); do \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	    lib/ptkit.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ptkit.pc


python: $(PY_EXT)

# where Debian's python3 looks for modules of packages (dist-packages)
PYTHONDIR ?= $(PREFIX)/lib/python3/dist-packages
install-python: $(PY_EXT)
	install -d $(DESTDIR)$(PYTHONDIR)
	install -m 644 $(PY_EXT) $(DESTDIR)$(PYTHONDIR)/

$(O)/obj/python/%.o: python/%.c python/binding.h | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-field-initializers \
	    $$($(PYTHON)-config --includes) -c -o $@ $<

$(PY_EXT): $(PY_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $(PY_OBJ) $(STATIC) $(LIBS)

# Debian packages of the tree as it is, built in a copy under obj/deb
# (dpkg-buildpackage writes beside the source), then checked by lintian.
DEB_DIR := $(O)/obj/deb
deb:
	@sh tests/deps.sh deb
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/ptkit-$(VERSION)
	tar -c --exclude=./obj --exclude=./build-asan --exclude=./build-fuzz \
	    --exclude=./.git --exclude=./ptkit --exclude=./libptkit.a \
	    --exclude=./libptkit.so -f - . | tar -x -C $(DEB_DIR)/ptkit-$(VERSION)
	cd $(DEB_DIR)/ptkit-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(DEB_DIR)/*.changes

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ptkit $(DESTDIR)$(LIBDIR)/libptkit.* \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/ptkit.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/ptkit
	rm -f $(DESTDIR)$(COMPLETIONDIR)/ptkit
	for m in $(MANPAGES); do \
	    rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done

clean:
	rm -rf obj build-asan build-fuzz ptkit libptkit.a libptkit.so

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
