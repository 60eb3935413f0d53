#!/usr/bin/env bash
# Build the Debian 12 guest of `make test-vm` once: a root filesystem made by
# mmdebstrap from Debian's package registry, packed into an ext4 image with
# mkfs.ext4 -d (no loop device, nothing mounted on the host), beside the
# kernel and initrd it boots with. The guest has systemd, nslab's run-time
# libraries and the programs its tests call; it builds nothing: it runs the
# host's build from the checkout shared into it (the same Debian 12 userland).
# Usage: build-image.sh DIR [backports|bullseye|server]   (DIR/rootfs.img,
# DIR/vmlinuz, DIR/initrd.img); backports: the kernel of bookworm-backports
# instead of Debian 12's own 6.1, bullseye: Debian 11's (5.10): other kernels
# under the same userland. server: a plain Debian 12 server instead, with
# nothing of nslab's (below).
set -euo pipefail

out=${1:?usage: build-image.sh DIR [backports|bullseye|server]}
kernel=${2:-}
bin=$(cd "$(dirname "$0")/../.." && pwd)/build/nslab

# The Debian packages of the shared libraries the host's build links (a
# library added to the Makefile reaches the guest without a list to keep).
runtime_packages()
{
    local lib real pkg
    ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
        real=$(readlink -f "$lib")
        pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || dpkg -S "$lib" 2>/dev/null) || {
            echo "build-image: no Debian package owns $lib (needed by $bin)" >&2
            return 1
        }
        echo "${pkg%%:*}"
    done | sort -u | paste -sd, -
}

# What the labs and scenario tests run, as scripts/install-deps.sh lists it
# for the host, less the compilers; locales-all gives zh_CN.UTF-8. dbus is
# the system bus a Debian 12 server has (systemd recommends it): nslab asks
# systemd for its delegated scope over it.
pkgs=systemd,systemd-sysv,dbus,udev,initramfs-tools,kmod,
pkgs+=util-linux,mount,iproute2,iputils-ping,keyutils,busybox-static,
pkgs+=procps,time,python3,nftables,gettext-base,groff-base,locales-all,
pkgs+=make,gawk,findutils,psmisc,ca-certificates,
[ "$kernel" = server ] || pkgs+=$(runtime_packages)

# server: what Debian's installer leaves on a server (priorities required,
# important and standard, the kernel, locales, sudo for the user it makes,
# the SSH server task) and a DHCP line for its network card, as the installer
# writes it; no compiler, no git, no make, none of nslab's libraries. The
# README's two commands are tried on it (scripts/vm/fresh-clone.sh), so its
# disk has room for what they install.
variant=minbase size=3G hooks=()
if [ "$kernel" = server ]; then
    variant=standard size=24G
    pkgs=systemd-sysv,dbus,initramfs-tools,locales,sudo,openssh-server,ifupdown,isc-dhcp-client
    hooks=(--customize-hook='printf "auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n" > "$1/etc/network/interfaces"'
           --customize-hook='echo "en_US.UTF-8 UTF-8" > "$1/etc/locale.gen" && chroot "$1" locale-gen'
           # the installer's first user, in group sudo; without a password
           # to type, since no one is at the guest's keyboard
           --customize-hook='chroot "$1" useradd -m -s /bin/bash -G sudo learner'
           --customize-hook='echo "learner ALL=(ALL) NOPASSWD: ALL" > "$1/etc/sudoers.d/learner"')
fi

# Built once per package list: a list that changed (a new library, a new
# program the tests call) builds the image again.
if [ -s "$out/rootfs.img" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] &&
    [ "$(cat "$out/packages" 2>/dev/null)" = "$pkgs${kernel:+ $kernel}" ]; then
    exit 0
fi
stamp="$pkgs${kernel:+ $kernel}"
mkdir -p "$out"
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

opts=() mirrors=(http://deb.debian.org/debian)
if [ "$kernel" = backports ]; then
    opts=(--include=linux-image-amd64/bookworm-backports)
    mirrors+=("deb http://deb.debian.org/debian bookworm-backports main")
elif [ "$kernel" = bullseye ]; then
    opts=(--include=linux-image-amd64/bullseye)
    mirrors+=("deb http://deb.debian.org/debian bullseye main")
else
    pkgs+=,linux-image-amd64
fi

echo "test-vm: building the Debian 12 guest image (once; cached in $out)" >&2
mmdebstrap --variant="$variant" --include="$pkgs" "${opts[@]}" "${hooks[@]}" \
    --customize-hook='echo nslab-vm > "$1/etc/hostname"' \
    --customize-hook='echo "root:nslab" | chroot "$1" chpasswd' \
    --customize-hook='printf "/dev/vda / ext4 rw,errors=remount-ro 0 1\n" > "$1/etc/fstab"' \
    --customize-hook='mkdir -p "$1/nslab"' \
    --customize-hook="cp '$(dirname "$0")/nslab-guest.service' \"\$1/etc/systemd/system/\"" \
    --customize-hook='chroot "$1" systemctl enable nslab-guest.service' \
    --customize-hook='chroot "$1" systemctl mask getty@tty1.service serial-getty@ttyS0.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_reap.service 2>/dev/null || true' \
    --customize-hook='cp -L "$1/vmlinuz" "'"$tmp"'/vmlinuz" && cp -L "$1/initrd.img" "'"$tmp"'/initrd.img"' \
    bookworm "$tmp/root" "${mirrors[@]}"
mkfs.ext4 -q -F -L nslab-vm -d "$tmp/root" "$tmp/rootfs.img" "$size"
mv "$tmp/vmlinuz" "$tmp/initrd.img" "$out/"
mv "$tmp/rootfs.img" "$out/rootfs.img"
echo "$stamp" >"$out/packages"
