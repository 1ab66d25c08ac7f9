#!/usr/bin/env bash
# One node of a cluster that tests/cluster/start.sh DIR started, for failure tests:
#   tests/cluster/node.sh DIR I kill    SIGKILL node I (no clean shutdown), as a crash would
#   tests/cluster/node.sh DIR I stop    SIGTERM node I and wait for it to exit (30 s, then SIGKILL)
#   tests/cluster/node.sh DIR I start   start node I again with its ports and data (DIR/nodeI/run.sh)
#   tests/cluster/node.sh DIR I url     print node I's HTTP URL
# start only launches the node; wait for it with DIR/url's _cluster/health?wait_for_nodes=N.
set -u
[ $# -eq 3 ] || { echo "usage: $0 DIR I kill|stop|start|url" >&2; exit 2; }
DIR=$1; I=$2; WHAT=$3
ND="$DIR/node$I"; PIDF="$DIR/node$I.pid"
[ -x "$ND/run.sh" ] || { echo "node.sh: no node$I in $DIR (start it with tests/cluster/start.sh)" >&2; exit 1; }
alive() { [ -f "$PIDF" ] && [ -r "/proc/$(cat "$PIDF")/cmdline" ] \
    && tr '\0' ' ' <"/proc/$(cat "$PIDF")/cmdline" | grep -q 'baoku.cluster.ClusterNode'; }
case "$WHAT" in
    url) sed -n "${I}p" "$DIR/urls" ;;
    kill)
        if alive; then
            pid=$(cat "$PIDF"); kill -KILL "$pid"
            while [ -e "/proc/$pid" ] && alive; do sleep 0.05; done
        fi
        rm -f "$PIDF" ;;
    stop)
        if alive; then
            pid=$(cat "$PIDF"); kill -TERM "$pid"
            for _ in $(seq 300); do alive || break; sleep 0.1; done
            alive && kill -KILL "$pid"
        fi
        rm -f "$PIDF" ;;
    start)
        if alive; then echo "node.sh: node$I already running (pid $(cat "$PIDF"))" >&2; exit 0; fi
        setsid "$ND/run.sh" >>"$ND/node.log" 2>&1 </dev/null &
        echo $! >"$PIDF" ;;
    *) echo "usage: $0 DIR I kill|stop|start|url" >&2; exit 2 ;;
esac
