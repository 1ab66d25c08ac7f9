#!/usr/bin/env bash
# Stop the nodes that tests/cluster/start.sh DIR started: SIGTERM (the node closes cleanly),
# then SIGKILL for any still alive after BAOKU_CLUSTER_STOP_TIMEOUT seconds (default 30).
# Only PIDs from DIR/node*.pid whose command line is a baoku ClusterNode are signalled.
# Idempotent: nothing running is not an error. DIR and its data are kept.
set -u
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
WAIT=${BAOKU_CLUSTER_STOP_TIMEOUT:-30}
[ -d "$DIR" ] || exit 0

ours() {  # is PID $1 alive and one of our nodes?
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'baoku.cluster.ClusterNode'
}

PIDS=()
for f in "$DIR"/node*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null)
    if [ -n "$pid" ] && ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null && PIDS+=("$pid")
    fi
done

deadline=$(( $(date +%s) + WAIT ))
for pid in "${PIDS[@]}"; do
    while ours "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    if ours "$pid"; then
        echo "stop.sh: node pid $pid did not stop in ${WAIT}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null
        while ours "$pid"; do sleep 0.1; done
    fi
done
rm -f "$DIR"/node*.pid
[ ${#PIDS[@]} -gt 0 ] && echo "stop.sh: stopped ${#PIDS[@]} node(s) in $DIR" >&2
exit 0
