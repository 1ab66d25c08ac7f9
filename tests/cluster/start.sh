#!/usr/bin/env bash
# Start a local OpenSearch 2.19.6 cluster of NODES nodes (1-3, default 2) for tests,
# with all its state and logs under DIR. Prints the cluster's base URL
# (http://127.0.0.1:PORT) as the last line on stdout once the cluster is green with all
# nodes joined; progress goes to stderr. On failure: one line on stderr saying what
# failed and which log to read, everything it started is stopped, exit status 1.
#
#   tests/cluster/start.sh DIR [NODES]
#
# Environment: JAVA_HOME (a Java 17+; default: java on PATH), BAOKU_CLUSTER_HEAP (per-node
# heap, default 512m), BAOKU_CLUSTER_TIMEOUT (seconds to wait for green, default 180).
# Files in DIR: nodeI.pid, nodeI/node.log (the node's log), nodeI/run.sh (its command line),
# nodeI/{data,config,logs,tmp},
# url (the base URL), urls (every node's URL, one a line), cluster (its name).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { echo "usage: $0 DIR [NODES (1-3, default 2)]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
NODES=${2:-2}
case "$NODES" in 1|2|3) ;; *) usage ;; esac

mkdir -p "$1" || { echo "start.sh: cannot create $1" >&2; exit 1; }
DIR=$(cd "$1" && pwd)
HEAP=${BAOKU_CLUSTER_HEAP:-512m}
TIMEOUT=${BAOKU_CLUSTER_TIMEOUT:-180}
STARTED=0

say() { echo "start.sh: $*" >&2; }
fail() {
    echo "start.sh: $*" >&2
    if [ "$STARTED" = 1 ]; then "$HERE/stop.sh" "$DIR" >/dev/null 2>&1; fi
    exit 1
}
trap 'fail "interrupted"' INT TERM

# --- tools -------------------------------------------------------------------------
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=$(command -v java || true); fi
[ -n "$JAVA" ] && [ -x "$JAVA" ] || fail "no java found (install a JDK 17+, or set JAVA_HOME)"
command -v curl >/dev/null || fail "no curl found"
JV=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${JV%%.*}" -ge 17 ] 2>/dev/null || fail "java $JAVA is version ${JV:-unknown}; OpenSearch 2.19 needs 17 or newer"

for i in $(seq 1 3); do
    if [ -f "$DIR/node$i.pid" ] && kill -0 "$(cat "$DIR/node$i.pid")" 2>/dev/null; then
        fail "a node is already running in $DIR (pid $(cat "$DIR/node$i.pid")); run tests/cluster/stop.sh $DIR first"
    fi
done

# --- build the launcher (once; later runs reuse target/) ------------------------------
TARGET="$HERE/target"
mkdir -p "$TARGET"
build() {
    local log="$TARGET/build.log"
    local newest
    newest=$(find "$HERE/pom.xml" "$HERE/src" -type f -newer "$TARGET/classpath.txt" 2>/dev/null | head -1)
    if [ -s "$TARGET/classpath.txt" ] && [ -f "$TARGET/classes/baoku/cluster/ClusterNode.class" ] && [ -z "$newest" ]; then
        return 0
    fi
    command -v mvn >/dev/null || { echo "no mvn found (install Maven 3.8+)" >"$log"; return 1; }
    say "building the launcher (mvn; the first time it downloads OpenSearch's jars, ~70 MB into ~/.m2)"
    local args=(-B -f "$HERE/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$TARGET/classpath.txt.new")
    if ! mvn -o -q "${args[@]}" >"$log" 2>&1; then
        mvn -q "${args[@]}" >"$log" 2>&1 || return 1
    fi
    mv "$TARGET/classpath.txt.new" "$TARGET/classpath.txt"
}
# one build at a time when several clusters start at once
exec 9>"$TARGET/.build.lock"
flock 9 2>/dev/null || true
build || fail "building the launcher failed ($(grep -m1 -E 'ERROR|no mvn' "$TARGET/build.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-160)); read $TARGET/build.log"
flock -u 9 2>/dev/null || true
exec 9>&-
CP="$TARGET/classes:$(cat "$TARGET/classpath.txt")"

# --- ports: 2 per node, picked free by the kernel ---------------------------------
PORTS=($("$JAVA" -cp "$CP" baoku.cluster.ClusterNode --free-ports $((2 * NODES)))) \
    || fail "could not pick free ports"
[ ${#PORTS[@]} -eq $((2 * NODES)) ] || fail "could not pick free ports (got: ${PORTS[*]:-})"

CLUSTER="baoku-test-$(printf %s "$DIR" | cksum | cut -d' ' -f1)"
# Cluster-manager-eligible nodes: with 3 nodes all three (any one may die: 2 of 3 keep the
# quorum). With 2 nodes only node1: a 2-node voting configuration shrinks to 1 node anyway
# (whichever was elected), so make it known in advance -- node2 is data-only and can be
# killed safely; node1 dead means no cluster manager (writes wait, then 503).
SEEDS=""; MANAGERS=""
for i in $(seq 1 "$NODES"); do
    SEEDS="$SEEDS${SEEDS:+,}127.0.0.1:${PORTS[$((2 * i - 1))]}"
    if [ "$NODES" -ne 2 ] || [ "$i" -eq 1 ]; then MANAGERS="$MANAGERS${MANAGERS:+,}node$i"; fi
done

# JVM flags as in OpenSearch's jvm.options, less what a test cluster does not need.
JVM_OPTS=(
    -Xms256m "-Xmx$HEAP" -XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30
    -Xss1m -XX:-OmitStackTraceInFastThrow -XX:+HeapDumpOnOutOfMemoryError
    -Dfile.encoding=UTF-8 -Djna.nosys=true
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true
    -Dio.netty.recycler.maxCapacityPerThread=0 -Dio.netty.allocator.numDirectArenas=0
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true
    -Dopensearch.networkaddress.cache.ttl=60 -Dopensearch.networkaddress.cache.negative.ttl=10
)
# OpenSearch 2.x's own jvm.options use the COMPAT locale data (date formats); Java 23 removed it.
if [ "${JV%%.*}" -lt 23 ]; then JVM_OPTS+=(-Djava.locale.providers=SPI,COMPAT); fi

: >"$DIR/urls"
echo "$CLUSTER" >"$DIR/cluster"
STARTED=1
for i in $(seq 1 "$NODES"); do
    ND="$DIR/node$i"
    mkdir -p "$ND/tmp" "$ND/logs"
    HTTP=${PORTS[$((2 * i - 2))]}
    TRANSPORT=${PORTS[$((2 * i - 1))]}
    case ",$MANAGERS," in
        *",node$i,"*) ROLES="cluster_manager,data,ingest" ;;
        *) ROLES="data,ingest" ;;
    esac
    # DIR/nodeI/run.sh is the node's exact command line; tests/cluster/node.sh restarts a
    # node with it (same ports, same data).
    {
        echo '#!/usr/bin/env bash'
        echo "# node$i of $CLUSTER, written by tests/cluster/start.sh"
        printf 'exec'
        printf ' %q' "$JAVA" "${JVM_OPTS[@]}" -Djava.io.tmpdir="$ND/tmp" -XX:ErrorFile="$ND/logs/hs_err_pid%p.log" \
            -XX:HeapDumpPath="$ND/tmp" -cp "$CP" baoku.cluster.ClusterNode "$ND" \
            "node.name=node$i" "cluster.name=$CLUSTER" "http.port=$HTTP" "transport.port=$TRANSPORT" \
            "discovery.seed_hosts=$SEEDS" "cluster.initial_cluster_manager_nodes=$MANAGERS" \
            "node.roles=$ROLES"
        echo
    } >"$ND/run.sh"
    chmod +x "$ND/run.sh"
    # setsid: the nodes live in their own session, out of reach of the caller's Ctrl-C or
    # process-group kill; stop.sh ends them by PID (run.sh execs java: the PID is java's).
    setsid "$ND/run.sh" >>"$ND/node.log" 2>&1 </dev/null &
    echo $! >"$DIR/node$i.pid"
    echo "http://127.0.0.1:$HTTP" >>"$DIR/urls"
done
URL=$(head -1 "$DIR/urls")
echo "$URL" >"$DIR/url"
say "started $NODES nodes of $CLUSTER under $DIR; waiting up to ${TIMEOUT}s for green"

# --- wait for green with every node joined -----------------------------------------
T0=$(date +%s)
while :; do
    for i in $(seq 1 "$NODES"); do
        kill -0 "$(cat "$DIR/node$i.pid")" 2>/dev/null \
            || fail "node$i exited during start-up; read $DIR/node$i/node.log"
    done
    H=$(curl -s -m 10 "$URL/_cluster/health?wait_for_status=green&wait_for_nodes=$NODES&timeout=5s" 2>/dev/null || true)
    case "$H" in
        *'"status":"green"'*) case "$H" in *'"timed_out":false'*) break ;; esac ;;
    esac
    [ $(( $(date +%s) - T0 )) -lt "$TIMEOUT" ] \
        || fail "no green cluster of $NODES nodes after ${TIMEOUT}s (last health: ${H:-no answer from $URL}); read $DIR/node1/node.log"
    sleep 1
done
say "green with $NODES nodes after $(( $(date +%s) - T0 ))s"
trap - INT TERM
echo "$URL"
