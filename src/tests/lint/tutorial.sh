#!/usr/bin/env bash
# docs/tutorial.md and its Chinese twin docs/tutorial.zh-CN.md show real
# transcripts: a fresh `nslab --stable` run of docs/tutorial.nsl (with
# `--lang en`, and `--lang zh` for the twin: one script, the same commands)
# must print exactly what each transcript block says
# (scripts/tutorial.sh --check does the replay and the comparison; on
# another cgroup layout than the transcript's, the cgroup parts only have to
# run green). When this fails after a change of nslab's output, look at the
# diff, then `sudo make tutorial` and read the page again.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"
require_root
require_nslab

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
rc=0
out=$(NSLAB=$NSLAB bash "$top/scripts/tutorial.sh" --check 2>&1) || rc=$?
assert_eq 0 "$rc" "scripts/tutorial.sh --check: $out"
echo "$out"
