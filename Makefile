# nslab — build, run, test. `sudo make run` and `sudo make test` are all a new
# user needs: both install missing Debian packages first (scripts/install-deps.sh).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man

CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -MMD -MP
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
DEPSTAMP := build/.deps-installed

.PHONY: all run test unit integration asan install uninstall clean deps check-static docs bench

all: $(B)/nslab

deps: $(DEPSTAMP)
$(DEPSTAMP): scripts/install-deps.sh
	@bash scripts/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(B)/nslab: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/src/%.o: src/%.c | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: src/tests/%.c $(LIBOBJS) | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBOBJS) $(LDLIBS) $(TESTLIBS)

run: $(B)/nslab
	./$(B)/nslab

unit: $(TESTBINS)
	@bash src/tests/run-unit.sh $(TESTBINS)

integration: $(B)/nslab
	@NSLAB=$(CURDIR)/$(B)/nslab bash src/tests/run-integration.sh

test: unit integration

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, then the
# whole test suite against it.
asan:
	@$(MAKE) --no-print-directory B=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" test

# Performance against the peers and the floor (root; never part of `make test`).
# scripts/bench.sh builds its own instrumented binary in build-bench/.
bench: $(B)/nslab
	@NSLAB=$(CURDIR)/$(B)/nslab bash scripts/bench.sh

install: $(B)/nslab
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/nslab $(DESTDIR)$(BINDIR)/nslab
	@if [ -f docs/nslab.1 ]; then install -d $(DESTDIR)$(MANDIR)/man1 && \
	    install -m 0644 docs/nslab.1 $(DESTDIR)$(MANDIR)/man1/nslab.1; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nslab $(DESTDIR)$(MANDIR)/man1/nslab.1

# The command reference is generated from the command table.
docs: $(B)/nslab
	./$(B)/nslab --dump-commands > docs/commands.md

check-static:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -D_GNU_SOURCE --std=c11 src

clean:
	rm -rf build build-asan build-bench

-include $(OBJS:.o=.d)
