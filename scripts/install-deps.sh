#!/usr/bin/env bash
# Install what nslab needs to build and test, and nothing that is already there.
# Debian/Ubuntu only (apt). Safe to run again: it checks each package first.
set -euo pipefail

pkgs=(build-essential pkg-config libreadline-dev libcjson-dev libcmocka-dev
      libmnl-dev util-linux iproute2 iputils-ping procps time)

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: missing packages (${missing[*]}) and not root; run: sudo $0" >&2
        exit 1
    fi
else
    SUDO=
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
