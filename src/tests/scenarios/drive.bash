# shellcheck shell=bash
# Driving one nslab session step by step through a pipe, for the scenarios
# of IPC, user, time and network namespaces (sourced after lib.sh; not a
# test itself: run-integration.sh runs only *.sh).
#
#     drive_start [CMD...]    # default: "$NSLAB" -J -k; CMD runs nslab itself
#     drive "unshare net"     # one command; $reply is its step's JSON line
#     drive_ok "link"         # the same, failing the scenario unless ok
#     jv result.links.0.ifname  # a value of $reply (json_get)
#     drive_stop              # end of input, wait; $drive_status, $drive_err
#
# $drive_pid is the PID of nslab (the shell). The session is ended at exit
# if the scenario did not stop it. Start background processes of the test
# with drive_bg CMD... (sets $bg_pid): a plain `CMD &` would inherit the
# session's pipe and keep nslab from seeing the end of its input.

drive_pid=""

drive_start()
{
    [ -z "$drive_pid" ] || fail "drive_start: a session is running"
    [ $# -gt 0 ] || set -- "$NSLAB" -J -k
    local dir
    dir=$(mktemp -d "$tmpdir/drive.XXXXXX")
    chmod 755 "$dir"
    mkfifo "$dir/in" "$dir/out"
    drive_err=$dir/err
    # exec: $! is nslab's PID (or setpriv's, which execs nslab in place).
    "$@" <"$dir/in" >"$dir/out" 2>"$drive_err" &
    drive_pid=$!
    exec {drive_in}>"$dir/in" {drive_out}<"$dir/out"
    on_exit drive_kill
}

drive_kill()
{
    [ -n "$drive_pid" ] || return 0
    kill -TERM "$drive_pid" 2>/dev/null
    wait "$drive_pid" 2>/dev/null
    drive_pid=""
}

# drive COMMAND: send one line, read until its step object.
drive()
{
    [ -n "$drive_pid" ] || fail "drive '$1': no session"
    printf '%s\n' "$1" >&"$drive_in"
    local line
    while :; do
        IFS= read -r -t "${NSLAB_STEP_TIMEOUT:-30}" line <&"$drive_out" ||
            fail "no answer from nslab to '$1'; its stderr: $(tail -n 5 "$drive_err")"
        case $line in
        '{"step":'*) break ;;
        '{"event":'*) ;;
        *) fail "nslab printed a line that is no JSON object: $line" ;;
        esac
    done
    reply=$line
}

drive_ok()
{
    drive "$1"
    [ "$(json_get "$reply" ok)" = true ] || fail "'$1' failed: $(json_get "$reply" error)"
}

drive_fails()
{
    drive "$1"
    [ "$(json_get "$reply" ok)" = false ] || fail "'$1' succeeded, but should have failed"
    [ -z "${2:-}" ] || assert_eq "$2" "$(json_get "$reply" errno)" "errno of '$1'"
}

drive_bg()
{
    if [ -n "$drive_pid" ]; then
        "$@" {drive_in}>&- {drive_out}<&- &
    else
        "$@" &
    fi
    bg_pid=$!
    on_exit kill "$bg_pid"
}

jv()
{
    json_get "$reply" "$1"
}

# The subject's PID, from the last step.
drive_subject()
{
    json_get "$reply" subject.pid
}

drive_stop()
{
    exec {drive_in}>&-
    drive_status=0
    wait "$drive_pid" || drive_status=$?
    exec {drive_out}<&-
    drive_pid=""
}
