#!/usr/bin/env bash
# nslab against its peers and against the floor (docs/performance.md says why
# each figure is measured this way and records the last results).
#
#   sudo scripts/bench.sh [--scale]        (or: sudo make bench)
#
# One line per figure: what, nslab's figure, the peer's, the ratio, the target,
# and PASS, MISS or INFO. Five figures:
#   1. a 1000-step script replayed by nslab (-q, and with the full observation)
#      against the same steps as a bash script of util-linux tools;
#   2. the shell's per-step cost of trace + observation (measured inside an
#      instrumented build, build-bench/nslab) against scripts/bench/floor.c,
#      which only reads the same files;
#   3. `ls-ns all` against `lsns` with 1000 extra processes in 200 namespace
#      sets, which the bench starts and kills;
#   4. start-up to exit (`nslab -c exit`) against `bash -c exit`, and peak RSS;
#   5. callgrind's instruction count of a fixed replay (labs/uts.lab);
#   6. a step under --observe all that changes no mount, with the 20 mounts
#      of a fresh mount namespace and with 400 (tmpfs mounts the bench makes
#      in a mount namespace of its own, under its temporary directory).
# --scale adds how `ls-ns all` and a step grow with the number of processes;
# --mounts runs figure 6 only.
#
# Tools: bash, cc, util-linux; /usr/bin/time -v and hyperfine when present
# (without them: bash's EPOCHREALTIME and /proc/PID/status); strace to find
# the files the floor must read; valgrind for figure 5 (skipped without it).
# Needs root. Never part of `make test`.
#
# Environment: NSLAB (default build/nslab, built if missing), BENCH_REPS
# (runs per timing, the fastest is kept; default 5), NSLAB_BEFORE (another
# build, e.g. of an earlier commit, measured beside NSLAB in figure 6).
#
# Everything the bench creates (processes, cgroups under nslab-bench.<PID>,
# a temporary directory) is removed on exit, also on failure or Ctrl-C.
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=${BENCH_REPS:-5}
scale=false
only_mounts=false
for a in "$@"; do
    case $a in
    --scale) scale=true ;;
    --mounts) only_mounts=true ;;
    -h | --help)
        sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "bench: unknown argument '$a' (--scale, --mounts, --help)" >&2
        exit 2
        ;;
    esac
done
if ! [[ $reps =~ ^[1-9][0-9]*$ ]]; then
    echo "bench: BENCH_REPS=$reps is not a positive number" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "bench: needs root (namespaces, cgroups): sudo $0" >&2
    exit 2
fi

# --- what the bench leaves behind: nothing ---------------------------------

pids=()   # every process the bench started, killed by PID at the end
cgdirs=() # cgroups it made, removed deepest first
work=$(mktemp -d "${TMPDIR:-/tmp}/nslab-bench.XXXXXX")

cleanup()
{
    if [ ${#pids[@]} -gt 0 ]; then
        kill -KILL "${pids[@]}" 2>/dev/null
        wait "${pids[@]}" 2>/dev/null
    fi
    for ((k = ${#cgdirs[@]} - 1; k >= 0; k--)); do
        rmdir "${cgdirs[k]}" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

die()
{
    echo "bench: $*" >&2
    exit 1
}

# --- builds ------------------------------------------------------------------

NSLAB=${NSLAB:-$top/build/nslab}
if [ "$NSLAB" = "$top/build/nslab" ]; then
    make -s -C "$top" build/nslab >/dev/null || die "cannot build nslab"
fi
[ -x "$NSLAB" ] || die "NSLAB=$NSLAB is not executable"
make -s -C "$top" B=build-bench CFLAGS="-O2 -g -DNSLAB_BENCH" build-bench/nslab >/dev/null ||
    die "cannot build the instrumented build-bench/nslab"
NSLAB_I=$top/build-bench/nslab
cc -O2 -o "$work/floor" "$top/scripts/bench/floor.c" || die "cannot compile scripts/bench/floor.c"

# --- measuring -----------------------------------------------------------------

# run_us CMD...: wall time of one run in microseconds (output discarded);
# nothing when the run failed (a failure would measure its error path).
run_us()
{
    local s=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || return 1
    local e=$EPOCHREALTIME
    echo $((${e/./} - ${s/./}))
}

# fastest: the smallest of the numbers on stdin. Other work on the machine
# only ever adds time, so the fastest of several runs is the figure that
# repeats best (the runs of both sides alternate, see measure).
fastest()
{
    sort -n | head -1
}

# measure FN...: the wall time of commands (shell functions) in microseconds,
# into the variables named by $results (so that `die` stops the bench, this
# runs in the bench's own shell). Each runs once unmeasured and must
# succeed, then they run in turn for $reps rounds, so that a machine busy
# with something else slows all of them alike; the fastest run of each is
# kept, and a run that fails is left out.
measure()
{
    local f r t k=0 vars
    read -r -a vars <<<"$results"
    for f in "$@"; do
        "$f" >/dev/null 2>"$work/err" || die "$f failed: $(head -3 "$work/err")"
    done
    for ((r = 0; r < reps; r++)); do
        for f in "$@"; do
            t=$(run_us "$f") && echo "$f $t"
        done
    done >"$work/rounds"
    for f in "$@"; do
        t=$(awk -v f="$f" '$1 == f { print $2 }' "$work/rounds" | fastest)
        [ -n "$t" ] || die "$f failed in every measured run"
        printf -v "${vars[k]}" '%s' "$t"
        k=$((k + 1))
    done
}

# fmt_us MICROSECONDS: "1.23 ms" or "456 us".
fmt_us()
{
    awk -v u="$1" 'BEGIN { if (u >= 1000) printf "%.2f ms", u / 1000; else printf "%.1f us", u }'
}

# fmt_ns NANOSECONDS: "12.3 us".
fmt_ns()
{
    awk -v n="$1" 'BEGIN { printf "%.1f us", n / 1000 }'
}

# report WHAT NSLAB PEER RATIO TARGET VERDICT
report()
{
    printf '%-46s %11s %11s %8s %9s  %s\n' "$@"
}

# verdict RATIO OP LIMIT: PASS when RATIO OP LIMIT holds (OP: ge or le).
verdict()
{
    awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN {
        ok = (op == "ge") ? (r >= l) : (r <= l); print ok ? "PASS" : "MISS" }'
}

ratio()
{
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

note()
{
    printf '    %s\n' "$*"
}

# --- the machine ------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "nslab bench: $(nproc) CPU ($cpu), $mem, Linux $(uname -r), the fastest of $reps runs per figure"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows both sides)"
echo "nslab: $NSLAB"
report "what" "nslab" "peer" "ratio" "target" "verdict"

# --- a cgroup file the steps can set and get ----------------------------------

# The bench's own cgroup, under a parent named nslab-bench.<its PID> (not
# nslab.<PID>: nslab removes those when PID is not an nslab process, as left
# over by a killed session, and the bench runs nslab many times): the pids
# controller's pids.max (v1 pids hierarchy, or v2 with pids enabled), else the
# v2 core file cgroup.max.descendants.
cg_base= cg_file=
while read -r target fstype opts; do
    if [ "$fstype" = cgroup ] && [[ ,$opts, == *,pids,* ]]; then
        cg_base=$target cg_file=pids.max
        break
    fi
    if [ "$fstype" = cgroup2 ] && [ -z "$cg_base" ]; then
        cg_base=$target cg_file=cgroup.max.descendants
        grep -qw pids "$target/cgroup.subtree_control" 2>/dev/null && cg_file=pids.max
    fi
done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1), $(i + 3); break } }' \
    /proc/self/mountinfo)
[ -n "$cg_base" ] || die "no cgroup hierarchy is mounted"
cg_top=$cg_base/nslab-bench.$$
mkdir "$cg_top" || die "cannot create $cg_top"
cgdirs+=("$cg_top")
mkdir "$cg_top/bench" || die "cannot create $cg_top/bench"
cgdirs+=("$cg_top/bench")
cgf=$cg_top/bench/$cg_file

# nslab's own cgset/cgget once they exist; until then the file is read and
# written by programs the subject runs (!cat, !sh -c 'echo >'), each a fork
# and an exec, which the figure then includes.
native_cg=false
if "$NSLAB" -c 'help cgset' >/dev/null 2>&1 &&
    "$NSLAB" -q -c 'cgcreate pids 100 --name bench' >/dev/null 2>&1; then
    native_cg=true
fi

# --- 6. (measured last) a step that changes no mount, with 20 and 400 mounts ----

# Two mount namespaces of the bench's own, each held by a sleep: one as
# unshare(1) makes it (a copy of this one: 20 mounts here), one with tmpfs
# mounts added under the bench's temporary directory up to 400 (only in that
# namespace: never in the host's; they end with it). nslab runs inside each
# (nsenter) with --observe all, makes the session's own mount namespace
# (unshare mnt: a copy) and replays 8000 namespace steps, none of which
# changes a mount: the cost of a step must not grow with the mounts. The
# figure is the whole replay over its steps, so what a session costs once
# (start-up, copying the namespace, tearing it down at exit: about 10 ms
# more with 400 mounts here) is spread over the steps, as in a long lab.

# mount_holder: start one, its PID in $holder (in the bench's own shell, so
# that the cleanup knows it).
mount_holder()
{
    local own
    own=$(readlink /proc/self/ns/mnt)
    unshare --mount --propagation private sleep 3600 </dev/null >/dev/null 2>&1 &
    holder=$!
    pids+=("$holder")
    while [ "$(readlink "/proc/$holder/ns/mnt" 2>/dev/null)" = "$own" ]; do sleep 0.01; done
}

mounts_figure()
{
    local h_few h_many n_few n_many k
    mount_holder
    h_few=$holder
    mount_holder
    h_many=$holder
    n_few=$(wc -l <"/proc/$h_few/mountinfo")
    mkdir "$work/m" || die "cannot create $work/m"
    nsenter --target "$h_many" --mount -- bash -c '
        for ((k = $(wc -l </proc/self/mountinfo); k < 400; k++)); do
            mkdir "$1/$k" && mount -t tmpfs -o size=4k "bench-$k" "$1/$k" || exit 1
        done' bash "$work/m" || die "cannot make the mounts in the bench's mount namespace"
    n_many=$(wc -l <"/proc/$h_many/mountinfo")
    {
        echo "unshare mnt"
        for ((k = 0; k < 10; k++)); do gen_nslab 0; done
    } >"$work/mnt2.nsl"
    local nsteps
    nsteps=$(grep -c . "$work/mnt2.nsl")
    # run BINARY HOLDER SCRIPT
    run_in() { nsenter --target "$2" --mount -- "$1" --observe all "$work/$3"; }
    mnt_few() { run_in "$NSLAB" "$h_few" mnt2.nsl; }
    mnt_many() { run_in "$NSLAB" "$h_many" mnt2.nsl; }
    local fns=(mnt_few mnt_many) vars="t_few t_many"
    if [ -n "${NSLAB_BEFORE:-}" ]; then
        [ -x "$NSLAB_BEFORE" ] || die "NSLAB_BEFORE=$NSLAB_BEFORE is not executable"
        old_few() { run_in "$NSLAB_BEFORE" "$h_few" mnt2.nsl; }
        old_many() { run_in "$NSLAB_BEFORE" "$h_many" mnt2.nsl; }
        fns+=(old_few old_many)
        vars+=" t_old_few t_old_many"
    fi
    results=$vars measure "${fns[@]}"
    local r
    r=$(ratio "$t_many" "$t_few")
    report "step, --observe all: $n_many vs $n_few mounts" "$(fmt_us "$((t_many / nsteps))")" \
        "$(fmt_us "$((t_few / nsteps))")" "${r}x" "<= 1.25x" "$(verdict "$r" le 1.25)"
    if [ -n "${NSLAB_BEFORE:-}" ]; then
        r=$(ratio "$t_old_many" "$t_old_few")
        report "  the same, NSLAB_BEFORE" "$(fmt_us "$((t_old_many / nsteps))")" \
            "$(fmt_us "$((t_old_few / nsteps))")" "${r}x" "-" "INFO"
    fi
    # The shell's own trace + observation per step (build-bench/nslab).
    obs_mnt()
    {
        run_in "$NSLAB_I" "$1" mnt2.nsl 2>&1 >/dev/null |
            awk '/^nslab-bench:/ { printf "%d\n", $5 / $3 }'
    }
    for ((k = 0; k < reps; k++)); do
        echo "few $(obs_mnt "$h_few")"
        echo "many $(obs_mnt "$h_many")"
    done >"$work/rounds"
    local o_few o_many
    o_few=$(awk '$1 == "few" { print $2 }' "$work/rounds" | fastest)
    o_many=$(awk '$1 == "many" { print $2 }' "$work/rounds" | fastest)
    r=$(ratio "$o_many" "$o_few")
    report "  trace+observation per step (C)" "$(fmt_ns "$o_many")" "$(fmt_ns "$o_few")" \
        "${r}x" "-" "INFO"
    note "a step: a replay of $nsteps steps over $nsteps: unshare mnt, then rounds of hostname,"
    note "unshare uts, setns uts host, ls-ns; nslab column: $n_many mounts, peer: $n_few"
    kill -KILL "$h_few" "$h_many" 2>/dev/null
    wait "$h_few" "$h_many" 2>/dev/null
}

# --- 1. a 1000-step script ------------------------------------------------------

# 200 rounds of: hostname, unshare uts, setns uts host, ls-ns, then a cgroup
# set (even rounds) or get (odd rounds). $1: with the cgroup steps (1) or not.
gen_nslab()
{
    $native_cg && [ "$1" = 1 ] && echo "cgcreate pids 100 --name bench"
    for ((c = 0; c < 200; c++)); do
        printf 'hostname\nunshare uts\nsetns uts host\nls-ns\n'
        [ "$1" = 1 ] || continue
        if $native_cg; then
            ((c % 2)) && echo "cgget bench pids.max" || echo "cgset bench pids.max 64"
        else
            ((c % 2)) && echo "!cat $cgf" || echo "!sh -c 'echo 64 > $cgf'"
        fi
    done
}

# The same steps in bash: each a util-linux tool, as a shell user would.
gen_peer()
{
    echo 'set -e'
    echo "cg='$cgf'"
    for ((c = 0; c < 200; c++)); do
        echo 'hostname'
        echo 'unshare --uts readlink /proc/self/ns/uts'
        echo 'nsenter --target $$ --uts readlink /proc/self/ns/uts'
        echo 'readlink /proc/$$/ns/*'
        [ "$1" = 1 ] || continue
        ((c % 2)) && echo 'cat "$cg"' || echo 'echo 64 > "$cg"'
    done
}

if $only_mounts; then
    mounts_figure
    exit 0
fi

gen_nslab 1 >"$work/steps.nsl"
gen_peer 1 >"$work/steps.sh"
steps=$(grep -c . "$work/steps.nsl")
nslab_q() { "$NSLAB" -q "$work/steps.nsl"; }
nslab_full() { "$NSLAB" --observe all "$work/steps.nsl"; }
peer() { bash "$work/steps.sh"; }
results="t_q t_full t_peer" measure nslab_q nslab_full peer
r=$(ratio "$t_peer" "$t_q")
report "$steps steps, nslab -q vs bash+util-linux" "$(fmt_us "$t_q")" "$(fmt_us "$t_peer")" \
    "${r}x" ">= 20x" "$(verdict "$r" ge 20)"
r=$(ratio "$t_peer" "$t_full")
report "$steps steps, nslab --observe all vs bash" "$(fmt_us "$t_full")" "$(fmt_us "$t_peer")" \
    "${r}x" ">= 20x" "$(verdict "$r" ge 20)"
if ! $native_cg; then
    note "cgset/cgget are not in this nslab yet: its cgroup steps are '!sh -c \"echo 64 > FILE\"'"
    note "and '!cat FILE' (a fork and an exec each, where bash's echo is a builtin)."
    gen_nslab 0 >"$work/ns.nsl"
    gen_peer 0 >"$work/ns.sh"
    nslab_q0() { "$NSLAB" -q "$work/ns.nsl"; }
    nslab_full0() { "$NSLAB" --observe all "$work/ns.nsl"; }
    peer0() { bash "$work/ns.sh"; }
    results="t_q0 t_full0 t_peer0" measure nslab_q0 nslab_full0 peer0
    r=$(ratio "$t_peer0" "$t_q0")
    report "  800 namespace steps only, nslab -q" "$(fmt_us "$t_q0")" "$(fmt_us "$t_peer0")" \
        "${r}x" ">= 20x" "INFO"
    r=$(ratio "$t_peer0" "$t_full0")
    report "  800 namespace steps only, --observe all" "$(fmt_us "$t_full0")" \
        "$(fmt_us "$t_peer0")" "${r}x" ">= 20x" "INFO"
fi

# --- 2. trace + observation against the floor -------------------------------------

# The instrumented build adds up, inside the shell, the time of the step's
# trace (unpacking the subject's) and observation (reading /proc/PID/ns,
# rendering); it prints the sum at exit.
obs_ns()
{
    "$NSLAB_I" --observe all "$work/steps.nsl" 2>&1 >/dev/null |
        awk '/^nslab-bench:/ { printf "%d\n", $5 / $3 }'
}

# The worst case for nslab: every step is a request that may change any of
# the subject's namespaces (here !true: a fork and an exec in the subject),
# so every observation reads all ten links again. Elsewhere nslab reads only
# the links a request may have changed, plus one (docs/performance.md).
for ((c = 0; c < 300; c++)); do echo '!true'; done >"$work/worst.nsl"
obs_worst()
{
    "$NSLAB_I" --observe all "$work/worst.nsl" 2>&1 >/dev/null |
        awk '/^nslab-bench:/ { printf "%d\n", $5 / $3 }'
}

# The floor reads what the observation reads: the ten /proc/PID/ns links of
# a process, and every file the shell itself reads at each step, found by
# running 20 steps under strace (reads through descriptors it keeps open
# count, named by strace -y; the session's cgroup files, gone with nslab,
# are read in the bench's own cgroup instead). The steps of each line are
# probed apart: after `hostname` nslab reads no mountinfo (the kernel says
# no mount changed), after `!true` it does (a program may have changed a
# propagation, which the kernel signals to nobody). Without strace, only
# the links, and the bench says so.
sleep 3600 &
floor_pid=$!
pids+=("$floor_pid")
floor_files=()
floor_spawn_files=()
floor_how="strace is not installed: the floor reads the links only"
# probe STEP ARRAY: the files nslab reads at each of 20 STEPs, into ARRAY.
probe()
{
    local -n into=$2
    local count path subj
    {
        $native_cg && echo "cgcreate pids 100 --name bench"
        for ((k = 0; k < 20; k++)); do echo "$1"; done
    } >"$work/probe.nsl"
    strace -y -o "$work/probe.st" -e trace=read,pread64 "$NSLAB" --observe all \
        "$work/probe.nsl" >"$work/probe.out" 2>/dev/null
    subj=$(sed -n 's/^nslab \([0-9]*\)[ >].*/\1/p' "$work/probe.out" | head -1)
    while read -r count path; do
        [ "$count" -ge 20 ] || continue
        path=${path/#\/proc\/$subj\//\/proc\/$floor_pid\/}
        if [[ $path =~ /nslab\.[0-9]+/bench/([^/]+)$ ]]; then
            path=$cg_top/bench/${BASH_REMATCH[1]}
        fi
        [ -f "$path" ] && into+=("$path")
    done < <(grep -v ' = -1 ' "$work/probe.st" |
        sed -n 's/^p\{0,1\}read\(64\)\{0,1\}([0-9]*<\(\/[^>]*\)>,.*/\2/p' |
        sort | uniq -c)
}
if command -v strace >/dev/null 2>&1; then
    probe hostname floor_files
    probe '!true' floor_spawn_files
    floor_how="and the files nslab read at each of 20 steps (strace):"
fi
# Alternating, as measure does.
for ((r = 0; r < reps; r++)); do
    echo "nslab $(obs_ns)"
    echo "worst $(obs_worst)"
    echo "floor $("$work/floor" "$floor_pid" 1000 "${floor_files[@]}")"
    echo "floor_spawn $("$work/floor" --spawn self 300 "${floor_spawn_files[@]}")"
done >"$work/rounds"
per_step=$(awk '$1 == "nslab" { print $2 }' "$work/rounds" | fastest)
worst=$(awk '$1 == "worst" { print $2 }' "$work/rounds" | fastest)
floor=$(awk '$1 == "floor" { print $2 }' "$work/rounds" | fastest)
floor_spawn=$(awk '$1 == "floor_spawn" { print $2 }' "$work/rounds" | fastest)
[ -n "$per_step" ] && [ "$per_step" -gt 0 ] || die "build-bench/nslab printed no nslab-bench line"
r=$(ratio "$per_step" "$floor")
report "per-step trace+observation vs floor (C)" "$(fmt_ns "$per_step")" \
    "$(fmt_ns "$floor")" "${r}x" "<= 1.5x" "$(verdict "$r" le 1.5)"
r=$(ratio "$worst" "$floor_spawn")
report "  300 x !true: all ten links every step" "$(fmt_ns "$worst")" \
    "$(fmt_ns "$floor_spawn")" "${r}x" "<= 1.5x" "$(verdict "$r" le 1.5)"
note "the floor reads /proc/PID/ns/* (10 links) $floor_how ${floor_files[*]:-none}"
note "every step (for the !true line, after a fork and exec of true, untimed: ${floor_spawn_files[*]:-none}); nslab"
note "measures itself inside build-bench/nslab: trace, observation, rendering"

# --- 3. ls-ns all against lsns with 1000 extra processes ---------------------------

# 200 sleeps in new uts+ipc+net namespaces, and 4 more sleeps in each of
# those (nsenter), so 1000 processes in 200 namespace sets (600 namespaces).
crowd()
{
    local n_sets=$1 per_set=$2 first=${#pids[@]} k p
    for ((k = 0; k < n_sets; k++)); do
        unshare --uts --ipc --net sleep 3600 &
        pids+=($!)
    done
    local own
    own=$(readlink /proc/self/ns/uts)
    for p in "${pids[@]:first:n_sets}"; do
        # nsenter must find the namespaces made, not the host's.
        while [ "$(readlink "/proc/$p/ns/uts" 2>/dev/null)" = "$own" ]; do sleep 0.01; done
        for ((k = 1; k < per_set; k++)); do
            nsenter --target "$p" --uts --ipc --net sleep 3600 &
            pids+=($!)
        done
    done
    for p in "${pids[@]:first}"; do
        while [ "$(cat "/proc/$p/comm" 2>/dev/null)" != sleep ]; do sleep 0.01; done
    done
}
crowd 200 5
nprocs=$(ls /proc | grep -c '^[0-9]')
ls_ns_all() { "$NSLAB" -q -c 'ls-ns all'; }
results="t_ls t_lsns" measure ls_ns_all lsns
r=$(ratio "$t_ls" "$t_lsns")
report "ls-ns all vs lsns ($nprocs processes)" "$(fmt_us "$t_ls")" "$(fmt_us "$t_lsns")" \
    "${r}x" "<= 0.5x" "$(verdict "$r" le 0.5)"
rows_ls=$("$NSLAB" -q -J -c 'ls-ns all' | grep -o '"type":' | wc -l)
rows_lsns=$(($(lsns | wc -l) - 1))
note "namespaces listed: ls-ns all $rows_ls, lsns $rows_lsns (nslab's time includes its start-up)"

# --- 4. start-up to exit, and peak memory --------------------------------------------

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -w 20 -r 300 --export-csv "$work/start.csv" \
        "$NSLAB -c exit" "bash -c exit" >/dev/null 2>&1 || die "hyperfine failed"
    # The "min" column of each command's row, in microseconds.
    min_us() { awk -F, -v row="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "min") c = i }
        NR == row { printf "%d", $c * 1e6 }' "$work/start.csv"; }
    t_start=$(min_us 2)
    t_bash=$(min_us 3)
    how=hyperfine
else
    # Rounds of 100 runs each, alternating, the fastest round kept.
    loop100() { for ((i = 0; i < 100; i++)); do "$@" >/dev/null 2>&1; done; }
    for ((r = 0; r < reps; r++)); do
        echo "$(run_us loop100 "$NSLAB" -c exit) $(run_us loop100 bash -c exit)"
    done >"$work/start"
    t_start=$(awk '{ print int($1 / 100) }' "$work/start" | fastest)
    t_bash=$(awk '{ print int($2 / 100) }' "$work/start" | fastest)
    how="bash loop"
fi
r=$(ratio "$t_start" "$t_bash")
report "start-up to exit vs bash -c exit ($how)" "$(fmt_us "$t_start")" "$(fmt_us "$t_bash")" \
    "${r}x" "<= 2x" "$(verdict "$r" le 2)"

# peak_kib CMD...: the largest resident set of CMD and its children, in KiB.
peak_kib()
{
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
    else
        # Without time(1): VmHWM of the shell while it waits for its last line.
        local fifo=$work/fifo
        rm -f "$fifo" && mkfifo "$fifo"
        "$@" <"$fifo" >/dev/null 2>&1 &
        local p=$!
        exec {w}>"$fifo"
        sleep 0.2
        awk '/^VmHWM/ { print $2 }' "/proc/$p/status"
        exec {w}>&-
        wait "$p"
    fi
}
if [ -x /usr/bin/time ]; then
    rss=$(peak_kib "$NSLAB" -c exit)
else
    rss=$(peak_kib "$NSLAB" -q -f -)
fi
report "peak RSS at start-up (KiB)" "$rss" "-" "-" "< 4096" \
    "$(awk -v r="$rss" 'BEGIN { print (r < 4096) ? "PASS" : "MISS" }')"
if [ -x /usr/bin/time ]; then
    report "  peak RSS, the $steps-step replay (KiB)" "$(peak_kib "$NSLAB" "$work/steps.nsl")" \
        "-" "-" "-" "INFO"
    report "  peak RSS, ls-ns all (KiB)" "$(peak_kib "$NSLAB" -q -c 'ls-ns all')" "-" "-" "-" "INFO"
fi

# --- 5. instruction counts of a fixed replay ------------------------------------------

if command -v valgrind >/dev/null 2>&1; then
    irs=()
    for ((r = 0; r < 2; r++)); do
        # -k: valgrind does not know setdomainname(2) (ENOSYS), and the rest
        # of the lab must still be replayed.
        valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" \
            "$NSLAB" -q -k --stable "$top/labs/uts.lab" >/dev/null 2>"$work/vg" &
        vp=$!
        wait "$vp"
        # The shell's own profile (the subject ends by SIGKILL and leaves none).
        irs+=("$(awk '/^(summary|totals):/ { print $2; exit }' "$work/cg.$vp")")
    done
    spread=$(awk -v a="${irs[0]}" -v b="${irs[1]}" 'BEGIN { d = a - b; if (d < 0) d = -d;
        printf "%.3f%%", 100 * d / a }')
    report "callgrind Ir, shell, uts.lab -q -k --stable" "${irs[0]}" "-" "-" "repeat" "INFO"
    note "a second run: ${irs[1]} (differs by $spread)"
else
    report "callgrind Ir, shell, uts.lab -q -k --stable" "-" "-" "-" "repeat" "SKIP"
    note "valgrind is not installed"
fi

mounts_figure

# --- --scale: how the costs grow ------------------------------------------------------

if $scale; then
    # From no extra process up: the crowd of figure 3 is ended first.
    kill -KILL "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
    pids=()
    sleep 3 # the kernel tears the 200 network namespaces down meanwhile
    gen_nslab 0 >"$work/ns.nsl"
    echo "scaling: ls-ns all and lsns, and one replayed namespace step, as processes are added"
    printf '    %-10s %12s %12s %16s\n' processes "ls-ns all" lsns "step (-q)"
    base=$(ls /proc | grep -c '^[0-9]')
    for add in 0 1000 2000 4000; do
        while [ "$(ls /proc | grep -c '^[0-9]')" -lt "$((base + add))" ]; do
            crowd 100 5
        done
        n=$(ls /proc | grep -c '^[0-9]')
        nslab_ns() { "$NSLAB" -q "$work/ns.nsl"; }
        results="a b s" measure ls_ns_all lsns nslab_ns
        printf '    %-10s %12s %12s %16s\n' "$n" "$(fmt_us "$a")" "$(fmt_us "$b")" \
            "$(fmt_us "$((s / 800))")"
    done
fi
