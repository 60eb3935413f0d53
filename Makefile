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
# Records are hash-chained with libcrypto's SHA-256 (util.c: sha256_hex).
# The projector view (render/serve.c): libmicrohttpd serves, libgvc lays out.
# Expanded where used, not here: on a fresh machine pkg-config and libgvc
# arrive with install-deps (the deps stamp), after the Makefile is read.
GVC_CFLAGS = $(shell pkg-config --cflags libgvc 2>/dev/null)
LDLIBS  := -lreadline -lcjson -lmnl -lmicrohttpd -lgvc -lcgraph -lpthread -lseccomp -lkeyutils -lcrypto -lsystemd
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

.PHONY: all run test check unit integration lint asan valgrind install uninstall clean deps \
	check-static check-layers docs fuzz fuzz-run bench po test-vm test-vm-ci test-vm-fresh

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

# The projector's page, built into the binary (no file to install, no CDN).
$(B)/gen/web_index.h: src/render/web/index.html
	@mkdir -p $(@D)
	cd src/render/web && xxd -i index.html > $(CURDIR)/$@.tmp
	mv $@.tmp $@
$(B)/src/render/serve.o: src/render/serve.c $(B)/gen/web_index.h | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(GVC_CFLAGS) -I$(B)/gen -c -o $@ $<

# One static archive per layer of docs/architecture.md (top first; main.c
# is above them all). A unit test says which layer its module is in, with a
# line `/* layer: NAME */` near its top, and links against the archive of
# that layer and those below it only: a call up the layers is a link error.
LAYERS := shell cmd session subject observe render kernel util
LAYER_SRCS_shell   := $(filter src/shell/%,$(SRCS))
LAYER_SRCS_cmd     := $(filter src/cmd/% src/lab/%,$(SRCS))
LAYER_SRCS_session := $(filter src/session/%,$(SRCS))
LAYER_SRCS_subject := $(filter src/subject/%,$(SRCS))
LAYER_SRCS_observe := $(filter src/observe/%,$(SRCS))
LAYER_SRCS_render  := $(filter src/render/%,$(SRCS))
LAYER_SRCS_kernel  := $(filter src/kernel/%,$(SRCS))
LAYER_SRCS_util    := $(filter src/util.c src/err.c src/i18n.c,$(SRCS))
LAYER_LIBS := $(LAYERS:%=$(B)/lib%.a)
# Every library source belongs to exactly one layer.
UNLAYERED := $(filter-out $(foreach l,$(LAYERS),$(LAYER_SRCS_$(l))) src/main.c,$(SRCS))
ifneq ($(UNLAYERED),)
$(error these sources are in no layer (Makefile, LAYER_SRCS_*): $(UNLAYERED))
endif

define layer_rule
$(B)/lib$(1).a: $(LAYER_SRCS_$(1):%.c=$(B)/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

# below LAYER: that layer and every one under it, top first.
below = $(wordlist $(words $(call _upto,$(1),$(LAYERS))),$(words $(LAYERS)),$(LAYERS))
_upto = $(if $(filter $(1),$(firstword $(2))),$(firstword $(2)),$(firstword $(2)) $(call _upto,$(1),$(wordlist 2,$(words $(2)),$(2))))
# test_layer FILE: the layer a unit test declares (read once for all tests).
TEST_LAYERS := $(shell grep -Ho '^/\* layer: [a-z]*' $(TESTSRCS) /dev/null | \
	sed 's|^src/tests/\(.*\)\.c:/\* layer: |\1:|')
test_layer = $(patsubst $(1:src/tests/%.c=%):%,%,$(filter $(1:src/tests/%.c=%):%,$(TEST_LAYERS)))
test_libs = $(foreach l,$(call below,$(call test_layer,src/tests/$(1).c)),$(B)/lib$(l).a)

define unit_rule
$(if $(filter $(call test_layer,src/tests/$(1).c),$(LAYERS)),,$(error src/tests/$(1).c: no `/* layer: NAME */` line naming one of: $(LAYERS)))
$(B)/tests/$(1): src/tests/$(1).c $(call test_libs,$(1)) | $(DEPSTAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -Isrc -o $$@ $$< -Wl,--start-group $(call test_libs,$(1)) -Wl,--end-group $$(LDLIBS) $$(TESTLIBS)
endef
$(foreach t,$(TESTSRCS:src/tests/%.c=%),$(eval $(call unit_rule,$(t))))

# ARGS: options for nslab, e.g. `sudo make run ARGS="--lang zh"`.
# A session's exit status is the session's business (a failed step, an
# expect that did not hold): it is shown in one line, not as make's error.
run: $(B)/nslab $(MO)
	@./$(B)/nslab $(ARGS); s=$$?; [ $$s -eq 0 ] || echo "(nslab exited with status $$s)" >&2

unit: $(TESTBINS)
	@bash src/tests/run-unit.sh $(TESTBINS)

integration: $(B)/nslab $(MO)
	@NSLAB=$(CURDIR)/$(B)/nslab bash src/tests/run-integration.sh

# The checks of the docs and the code rather than of behaviour
# (src/tests/lint/): generated docs fresh, the man page, the tutorial's
# transcripts, the labs' form, translations and their vocabulary, the
# layer checker itself.
lint: $(B)/nslab $(MO) check-layers
	@NSLAB=$(CURDIR)/$(B)/nslab bash src/tests/run-integration.sh --lint

# The fast suite: unit tests, labs and scenarios against the kernel, and the
# checks of the docs and the code.
check: unit integration lint

# Everything: the fast suite, static analysis, the fuzzers, every lab under
# valgrind, the fast suite again built with ASan+UBSan, and every lab in a
# Debian 12 guest with systemd and pure cgroup v2 (test-vm-ci). What CI runs
# (.ci/run).
test: check check-static fuzz valgrind asan test-vm-ci

# make test's part of test-vm: the layout most learners have (systemd, pure
# cgroup v2), the labs and container run's scenario test, so the whole of
# make test stays within an hour
# on 2 CPUs under TCG (docs/platforms.md). Where no guest can be made (the
# packages or the image cannot be fetched, or the machine is itself emulated
# by QEMU without KVM), it says why and is skipped; a
# lab that fails in the guest fails make test.
# The scenarios whose answer depends on systemd, pure v2 or the guest's
# host name, beside every lab.
VM_CI_SCENARIOS = container-run cgroup-v2-options json-cgroups grade
test-vm-ci: $(B)/nslab $(MO)
	@VM_CI=1 VM_LAYOUTS=v2 VM_TIMEOUT=2400 \
	    VM_TESTS="$$(ls labs/*.lab $(VM_CI_SCENARIOS:%=src/tests/scenarios/%.sh) | paste -sd, -)" \
	    bash scripts/vm/test-vm.sh

# The labs and the kernel scenario tests in a Debian 12 guest (kernel 6.1,
# systemd) booted as pure cgroup v2, hybrid and legacy v1, with QEMU (KVM
# when it works, else TCG): docs/platforms.md. Needs root; installs
# qemu-system-x86 and mmdebstrap for this target only, builds the image once
# under build/vm. make test runs its v2 labs only (test-vm-ci).
test-vm: $(B)/nslab $(MO)
	@bash scripts/vm/test-vm.sh

# The README's two commands on a plain Debian 12 server (no compiler, git or
# make) in a guest: a fresh clone of HEAD, sudo make run fed a short script,
# sudo make test (scripts/vm/fresh-clone.sh). Hours under TCG; needs root.
test-vm-fresh:
	@VM_IMAGE=server VM_LAYOUTS=v2 VM_MEM=6144 VM_TIMEOUT=28800 \
	    VM_EXEC=scripts/vm/fresh-clone.sh bash scripts/vm/test-vm.sh

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
# translator to fill in (src/tests/lint/i18n.sh fails until then).
po: $(B)/nslab
	@for p in $(PO_PARTS); do \
	    scripts/i18n-pot $$p > $(B)/$$p.pot && \
	    msgmerge --quiet --update --backup=none --no-wrap docs/i18n/zh_CN/$$p.po $(B)/$$p.pot || exit 1; \
	done

# The transcripts of docs/tutorial.md and docs/tutorial.zh-CN.md, from fresh
# runs of docs/tutorial.nsl in each language (root: it makes namespaces and
# a cgroup).
.PHONY: tutorial
tutorial: $(B)/nslab
	NSLAB=$(CURDIR)/$(B)/nslab bash scripts/tutorial.sh

# cppcheck and clang-tidy (.clang-tidy says which checks, and why some not).
check-static: $(B)/gen/web_index.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -D_GNU_SOURCE -D__CPPCHECK__ --std=c11 -Isrc src
	find src -name '*.c' | sort | \
	    xargs -P2 -n4 sh -c 'clang-tidy --quiet "$$@" -- -std=gnu11 -Isrc -I$(B)/gen $(GVC_CFLAGS)' clang-tidy

# The layers as the compiler sees them (scripts/check-layers, from the built
# objects): circles between files and between folders, edges pointing up the
# order declared in docs/architecture.md, functions over 100 lines, hand-built
# cJSON in the handlers. Part of `make lint` (so of `make check` and `make
# test`): a change that breaks a layer fails there.
check-layers: $(B)/nslab
	python3 scripts/check-layers --obj $(B)/src --layers docs/architecture.md

clean:
	rm -rf build build-asan build-fuzz build-bench

-include $(OBJS:.o=.d)
