# nslab — build, run, test. `sudo make run` and `sudo make test` are all a new
# user needs: both install missing Debian packages first (scripts/install-deps.sh).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man
DATADIR := $(PREFIX)/share/nslab
LOCALEDIR := $(PREFIX)/share/locale

CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -MMD -MP -Isrc
LDLIBS  := -lreadline -lcjson -lmnl
TESTLIBS := -lcmocka

# Each build flavour lives in its own directory, so `make asan` never mixes
# objects with the normal build.
B       ?= build
SRCS    := $(shell find src -name '*.c' -not -path 'src/tests/*' | sort)
OBJS    := $(SRCS:%.c=$(B)/%.o)
LIBOBJS := $(filter-out $(B)/src/main.o,$(OBJS))
TESTSRCS := $(sort $(wildcard src/tests/test_*.c))
TESTBINS := $(TESTSRCS:src/tests/%.c=$(B)/tests/%)
FUZZSRCS := $(sort $(wildcard src/tests/fuzz/fuzz_*.c))
FUZZBINS := $(FUZZSRCS:src/tests/fuzz/%.c=$(B)/fuzz/%)
# Seconds each fuzzer runs: short in `make test`, longer by hand
# (make fuzz FUZZ_SECONDS=600).
FUZZ_SECONDS ?= 8
DEPSTAMP := build/.deps-installed
# Chinese: one PO file per part of the messages (scripts/i18n-pot), merged
# into one catalog next to the binary, where nslab looks for it.
PO_PARTS := commands messages labs
POS     := $(PO_PARTS:%=docs/i18n/zh_CN/%.po)
MO      := $(B)/locale/zh_CN/LC_MESSAGES/nslab.mo

.PHONY: all run test check unit integration asan valgrind install uninstall clean deps \
	check-static check-layers docs fuzz fuzz-run bench po

all: $(B)/nslab $(MO)

deps: $(DEPSTAMP)
$(DEPSTAMP): scripts/install-deps.sh
	@bash scripts/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(B)/nslab: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(MO): $(POS) | $(DEPSTAMP)
	@mkdir -p $(@D)
	msgcat --use-first $(POS) | msgfmt --check -o $@ -

$(B)/src/%.o: src/%.c | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: src/tests/%.c $(LIBOBJS) | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBOBJS) $(LDLIBS) $(TESTLIBS)

# ARGS: options for nslab, e.g. `sudo make run ARGS="--lang zh"`.
# A session's exit status is the session's business (a failed step, an
# expect that did not hold): it is shown in one line, not as make's error.
run: $(B)/nslab $(MO)
	@./$(B)/nslab $(ARGS); s=$$?; [ $$s -eq 0 ] || echo "(nslab exited with status $$s)" >&2

unit: $(TESTBINS)
	@bash src/tests/run-unit.sh $(TESTBINS)

integration: $(B)/nslab $(MO)
	@NSLAB=$(CURDIR)/$(B)/nslab bash src/tests/run-integration.sh

# The fast suite: unit tests, then labs and scenarios against the kernel.
check: unit integration

# Everything: the fast suite, static analysis, the fuzzers, every lab under
# valgrind, and the fast suite again built with ASan+UBSan. What CI runs
# (.ci/run).
test: check check-static fuzz valgrind asan

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, then the
# fast suite against it.
asan:
	@$(MAKE) --no-print-directory B=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" check

# Every lab replayed under valgrind memcheck: no memory error, no leak.
valgrind: $(B)/nslab $(MO)
	@NSLAB=$(CURDIR)/$(B)/nslab bash src/tests/run-valgrind.sh

# libFuzzer harnesses for every parser of outside text, built with clang and
# ASan+UBSan in their own directory, run for FUZZ_SECONDS each.
fuzz:
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" fuzz-run

fuzz-run: $(FUZZBINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash src/tests/run-fuzz.sh $(FUZZBINS)

$(B)/fuzz/%: src/tests/fuzz/%.c $(LIBOBJS) | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(LIBOBJS) $(LDLIBS)

# Performance against the peers and the floor (root; never part of `make test`).
# scripts/bench.sh builds its own instrumented binary in build-bench/.
bench: $(B)/nslab
	@NSLAB=$(CURDIR)/$(B)/nslab bash scripts/bench.sh

install: $(B)/nslab $(MO)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/nslab $(DESTDIR)$(BINDIR)/nslab
	@if [ -f docs/nslab.1 ]; then install -d $(DESTDIR)$(MANDIR)/man1 && \
	    install -m 0644 docs/nslab.1 $(DESTDIR)$(MANDIR)/man1/nslab.1; fi
	for d in docs/explain/*/; do \
	    install -d $(DESTDIR)$(DATADIR)/explain/$$(basename $$d) && \
	    install -m 0644 $$d*.txt $(DESTDIR)$(DATADIR)/explain/$$(basename $$d)/; done
	install -d $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES
	install -m 0644 $(MO) $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/nslab.mo

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nslab $(DESTDIR)$(MANDIR)/man1/nslab.1
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/nslab.mo

# The command reference is generated from the command table.
docs: $(B)/nslab
	./$(B)/nslab --dump-commands > docs/commands.md

# New translatable strings go into the PO files, untranslated, for a
# translator to fill in (src/tests/scenarios/i18n.sh fails until then).
po: $(B)/nslab
	@for p in $(PO_PARTS); do \
	    scripts/i18n-pot $$p > $(B)/$$p.pot && \
	    msgmerge --quiet --update --backup=none --no-wrap docs/i18n/zh_CN/$$p.po $(B)/$$p.pot || exit 1; \
	done

# The transcripts of docs/tutorial.md, from a fresh run of docs/tutorial.nsl
# (root: it makes namespaces and a cgroup).
.PHONY: tutorial
tutorial: $(B)/nslab
	NSLAB=$(CURDIR)/$(B)/nslab bash scripts/tutorial.sh

# cppcheck and clang-tidy (.clang-tidy says which checks, and why some not).
check-static:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -D_GNU_SOURCE --std=c11 -Isrc src
	find src -name '*.c' | sort | \
	    xargs -P2 -n4 sh -c 'clang-tidy --quiet "$$@" -- -std=gnu11 -Isrc' clang-tidy

# The layers as the compiler sees them (scripts/check-layers, from the built
# objects): circles between files and between folders, edges pointing up the
# order declared in docs/architecture.md, functions over 100 lines, hand-built
# cJSON in the handlers. Not part of `make check` or `make test` yet: today's
# code fails it (docs/architecture.md, "Measuring the layers"); it joins them
# once the layers are straightened out.
check-layers: $(B)/nslab
	python3 scripts/check-layers --obj $(B)/src --layers docs/architecture.md

clean:
	rm -rf build build-asan build-fuzz build-bench

-include $(OBJS:.o=.d)
