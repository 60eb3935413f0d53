#!/usr/bin/env bash
# Install what nslab needs to build and test, and nothing that is already there.
# Debian/Ubuntu only (apt). Safe to run again: it checks each package first.
set -euo pipefail

# clang and its runtime libraries build the libFuzzer harnesses (make fuzz,
# part of make test); libclang-rt-dev is only "recommended" by clang.
# gettext builds the Chinese catalog (msgfmt) and extracts its strings;
# groff-base renders the man page for its test (lint/manpage.sh);
# cppcheck and clang-tidy are make test's static analysis (make check-static);
# python3 and nftables are run by the labs (net.lab: a port, a firewall table)
# and python3 reads JSON in the scenario tests and drives the terminal tests
# (src/tests/pty: its pty module runs nslab under bash -i in a pseudo-terminal);
# universal-ctags measures function lengths for scripts/check-layers (with nm
# from binutils); asciinema's own parser (asciinema cat) checks the casts
# `record --cast` writes (scenarios/record-cast.sh); libmicrohttpd serves the
# projector view and libgvc (Graphviz) lays its graph out, xxd builds its
# page into the binary, and headless chromium tests it
# (scenarios/serve-browser.sh). busybox-static is the static busybox `image
# busybox` copies into a new root (a dynamic one would find no libraries
# there); libseccomp-dev builds the filters of `seccomp`; libkeyutils-dev
# gives `keys` and `key` the keyctl(2) calls, and keyutils's keyctl(1)
# cross-checks them in the tests (scenarios/keys.sh); libssl-dev gives
# libcrypto's SHA-256, which chains the lines of a record (`record FILE`);
# libsystemd-dev gives sd-bus, with which nslab asks systemd for a scope
# with Delegate=yes where systemd is the init (kernel/cgroup/cgroup_systemd.c).
# cgroup-tools and bubblewrap: the equivalents `help` and --equivalents
# name are run by scenarios/equivalents.sh. valgrind replays every lab under
# memcheck (make valgrind); graphviz's dot reads the DOT file `graph` writes
# (scenarios/graph.sh). A Debian server has none of these.
pkgs=(build-essential pkg-config libreadline-dev libcjson-dev libcmocka-dev
      libmnl-dev util-linux iproute2 iputils-ping procps time clang libclang-rt-dev
      gettext groff-base python3 nftables cppcheck clang-tidy universal-ctags asciinema
      libmicrohttpd-dev libgraphviz-dev xxd chromium
      busybox-static libseccomp-dev libkeyutils-dev keyutils libssl-dev
      cgroup-tools bubblewrap libsystemd-dev valgrind graphviz)

# make test-vm (scripts/vm/) also needs QEMU and mmdebstrap, which build and
# boot its Debian 12 guest: installed only with --vm.
if [ "${1:-}" = --vm ]; then
    pkgs=(qemu-system-x86 mmdebstrap e2fsprogs)
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

# The zh_CN.UTF-8 locale, the Debian way: its line in /etc/locale.gen, then
# locale-gen (which builds every locale listed there).
has_zh_locale()
{
    locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'
}

[ ${#missing[@]} -eq 0 ] && has_zh_locale && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: missing packages (${missing[*]}) or the zh_CN.UTF-8 locale, and not root; run: sudo $0" >&2
        exit 1
    fi
else
    SUDO=
fi

gen_zh_locale()
{
    has_zh_locale && return 0
    echo "install-deps: generating the zh_CN.UTF-8 locale" >&2
    if grep -Eq '^[#[:space:]]*zh_CN\.UTF-8[[:space:]]+UTF-8' /etc/locale.gen 2>/dev/null; then
        $SUDO sed -i -E 's/^[#[:space:]]*(zh_CN\.UTF-8[[:space:]]+UTF-8)/\1/' /etc/locale.gen
    else
        echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
    fi
    $SUDO locale-gen >&2
}

if [ ${#missing[@]} -eq 0 ]; then
    gen_zh_locale
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Releases without the libclang-rt-dev metapackage name the runtime by the
# clang version (libclang-rt-14-dev on Debian 12's clang 14, for example).
for i in "${!missing[@]}"; do
    if [ "${missing[$i]}" = libclang-rt-dev ] && ! apt-cache show libclang-rt-dev >/dev/null 2>&1; then
        ver=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -1)
        missing[$i]=libclang-rt-${ver:-14}-dev
    fi
done
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
gen_zh_locale
