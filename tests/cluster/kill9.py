#!/usr/bin/env python3
"""kill -9 one node of a tests/cluster cluster in the middle of a _bulk ingest and report
what the client sees: per-request HTTP status / connection errors, per-item statuses,
cluster health over time, and whether a re-run (same _ids) ends with exactly the
documents, no duplicates. Python 3 standard library only.

    tests/cluster/kill9.py DIR --victim 2 --client 1 [--docs 4000] [--batch 200]
                           [--kill-at 5] [--restart-after 20]

DIR is a cluster started by tests/cluster/start.sh; --victim is the node killed (its
number), --client the node whose HTTP port the client talks to. --restart-after S starts
the victim again (tests/cluster/node.sh DIR I start) S seconds after the kill.
"""
import argparse, http.client, json, os, subprocess, sys, threading, time, urllib.parse
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = time.monotonic()
def now(): return time.monotonic() - T0
def log(msg): print(f"[{now():7.2f}s] {msg}", flush=True)

def request(url, method, path, body=None, ctype="application/json", timeout=60):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers={"content-type": ctype} if body is not None else {})
        r = c.getresponse()
        data = r.read()
        return r.status, data
    finally:
        c.close()

INDEX = "kill9"
SETTINGS = {
    "settings": {"number_of_shards": 2, "number_of_replicas": 1,
                 "analysis": {"analyzer": {
                     "baoku_bigram": {"type": "custom", "tokenizer": "standard",
                                      "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
                     "baoku_words": {"type": "custom", "tokenizer": "whitespace"}}}},
    "mappings": {"properties": {"title": {"type": "text", "analyzer": "baoku_bigram"},
                                "body": {"type": "text", "analyzer": "baoku_bigram"},
                                "words": {"type": "text", "analyzer": "baoku_words"},
                                "n": {"type": "integer"}}}}
PHRASES = ["乡村振兴", "农民收入", "城市更新", "住房保障", "科技创新", "绿色发展", "对外开放", "人工智能"]

def doc(i):
    p = PHRASES[i % len(PHRASES)]
    body = "".join(f"第{i}篇：{PHRASES[(i + k) % len(PHRASES)]}持续推进，成效显著。" for k in range(20))
    return {"title": f"{p}新闻第{i}号", "body": body, "words": " ".join(PHRASES[:4]), "n": i}

def bulk_body(ids):
    lines = []
    for i in ids:
        lines.append(json.dumps({"index": {"_index": INDEX, "_id": f"d{i:06d}"}}))
        lines.append(json.dumps(doc(i), ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()

BULK_TIMEOUT = [90]
def send_bulk(url, ids):
    """-> (http status or exception name, Counter of item statuses, set of failed ids, error types, seconds)"""
    t = time.monotonic()
    try:
        st, data = request(url, "POST", "/_bulk", bulk_body(ids), "application/x-ndjson", timeout=BULK_TIMEOUT[0])
    except Exception as e:  # connection refused / reset / timeout
        return type(e).__name__ + ": " + str(e)[:80], Counter(), set(ids), Counter(), time.monotonic() - t
    dt = time.monotonic() - t
    if st != 200:
        try:
            err = json.loads(data).get("error", {})
            et = Counter([(err.get("type", "?") + ": " + str(err.get("reason", ""))[:100]) if isinstance(err, dict) else str(err)[:60]])
        except Exception:
            et = Counter([data[:60].decode(errors="replace")])
        return st, Counter(), set(ids), et, dt
    r = json.loads(data)
    items, failed, etypes = Counter(), set(), Counter()
    for it, i in zip(r["items"], ids):
        x = it["index"]
        items[x["status"]] += 1
        if x["status"] >= 300:
            failed.add(i)
            etypes[x.get("error", {}).get("type", "?")] += 1
    return st, items, failed, etypes, dt

def health_poller(url_now, stop, timeline):
    last = None
    while not stop.is_set():
        url = url_now()
        try:
            st, data = request(url, "GET", "/_cluster/health?timeout=1s", timeout=5)
            h = json.loads(data)
            cur = (st, h.get("status"), h.get("number_of_nodes"), h.get("unassigned_shards"),
                   h.get("discovered_cluster_manager"))
        except Exception as e:
            cur = (type(e).__name__, url)
        if cur != last:
            timeline.append((now(), cur))
            log(f"health via client node: {cur}")
            last = cur
        stop.wait(0.5)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir"); ap.add_argument("--victim", type=int, required=True)
    ap.add_argument("--client", type=int, default=1); ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=200); ap.add_argument("--kill-at", type=int, default=5)
    ap.add_argument("--restart-after", type=float, default=None)
    ap.add_argument("--failover", action="store_true",
                    help="on a connection error, send the next requests to the next node's URL")
    ap.add_argument("--timeout", type=float, default=90, help="HTTP timeout of one _bulk request (s)")
    ap.add_argument("--give-up", type=float, default=180, help="seconds the re-run keeps retrying")
    a = ap.parse_args()
    BULK_TIMEOUT[0] = a.timeout
    urls = open(os.path.join(a.dir, "urls")).read().split()
    order = [urls[a.client - 1]] + [u for u in urls if u != urls[a.client - 1]]
    cur = [0]  # the client's current node; on a connection error it moves to the next (--failover)
    def url_now(): return order[cur[0]]
    url = url_now()
    nodes = len(urls)
    log(f"{nodes} nodes; client talks to node{a.client} {url}; node{a.victim} is killed at batch {a.kill_at}")

    request(url, "DELETE", f"/{INDEX}")
    st, data = request(url, "PUT", f"/{INDEX}", json.dumps(SETTINGS))
    assert st == 200, data
    st, data = request(url, "GET", f"/_cluster/health/{INDEX}?wait_for_status=green&timeout=60s")
    st, data = request(url, "GET", "/_cat/shards/" + INDEX + "?h=shard,prirep,node")
    log("shards before: " + " | ".join(data.decode().split("\n")).strip(" |"))
    st, data = request(url, "GET", "/_cat/nodes?h=name,cluster_manager")
    log("nodes before: " + " | ".join(data.decode().split("\n")).strip(" |"))

    stop = threading.Event(); timeline = []
    hp = threading.Thread(target=health_poller, args=(url_now, stop, timeline), daemon=True); hp.start()

    batches = [list(range(s, min(s + a.batch, a.docs))) for s in range(0, a.docs, a.batch)]
    started = threading.Event()
    kill_t = [None]
    def killer():
        started.wait()
        time.sleep(0.05)  # inside the batch's request
        subprocess.run([os.path.join(HERE, "node.sh"), a.dir, str(a.victim), "kill"], check=True)
        kill_t[0] = now()
        log(f"*** kill -9 node{a.victim}")
        if a.restart_after is not None:
            time.sleep(a.restart_after)
            subprocess.run([os.path.join(HERE, "node.sh"), a.dir, str(a.victim), "start"], check=True)
            log(f"*** node{a.victim} started again")
    kt = threading.Thread(target=killer, daemon=True); kt.start()

    failed_all = set()
    first_fail = last_fail = None
    for n, ids in enumerate(batches):
        if n == a.kill_at:
            started.set()
        st, items, failed, etypes, dt = send_bulk(url_now(), ids)
        msg = f"batch {n:3d} ({len(ids)} docs) to {url_now()}: http {st} in {dt:5.2f}s items {dict(items)}"
        if isinstance(st, str) and a.failover:
            cur[0] = (cur[0] + 1) % len(order)
        if etypes: msg += f" errors {dict(etypes)}"
        log(msg)
        if failed:
            failed_all |= failed
            first_fail = first_fail if first_fail is not None else now()
            last_fail = now()
    kt.join(timeout=1)
    log(f"first pass done: {a.docs - len(failed_all)} docs acknowledged, {len(failed_all)} not")

    # re-run: every document again (same _ids), each batch retried with backoff until it is accepted
    log("re-run: all documents again, retrying each batch (backoff 0.5s..8s) until every item is 2xx")
    t_rerun = now(); retries = Counter(); gave_up = False
    for ids in batches:
        todo, back = list(ids), 0.5
        while todo and not gave_up:
            st, items, failed, etypes, dt = send_bulk(url_now(), todo)
            if not failed:
                break
            retries[str(st) + " " + ",".join(sorted(etypes))] += 1
            if isinstance(st, str) and a.failover:
                cur[0] = (cur[0] + 1) % len(order)
            if now() - t_rerun > a.give_up:
                gave_up = True
                log(f"re-run: giving up after {a.give_up}s; last answer: http {st} {dict(etypes)}")
            todo = sorted(failed)
            time.sleep(back); back = min(back * 2, 8)
    log(f"re-run {'stopped' if gave_up else 'done'} in {now() - t_rerun:.1f}s; failed attempts: {dict(retries)}")
    url = url_now()
    st, _ = request(url, "POST", f"/{INDEX}/_refresh")
    st, data = request(url, "GET", f"/{INDEX}/_count")
    count = json.loads(data).get("count")
    st2, data2 = request(url, "POST", f"/{INDEX}/_search",
                        json.dumps({"size": 0, "aggs": {"ids": {"cardinality": {"field": "n", "precision_threshold": 40000}}}}))
    distinct = json.loads(data2)["aggregations"]["ids"]["value"]
    log(f"_count = {count} (expected {a.docs}); distinct n = {distinct}; refresh http {st}")

    # wait (bounded) for the cluster to settle
    deadline = time.monotonic() + (120 if a.restart_after is not None else 30)
    while time.monotonic() < deadline:
        if timeline and timeline[-1][1][1:2] == ("green",) and (a.restart_after is None or timeline[-1][1][2] == nodes):
            break
        time.sleep(0.5)
    stop.set(); hp.join()
    url = url_now()
    st, data = request(url, "GET", "/_cat/shards/" + INDEX + "?h=shard,prirep,state,node")
    log("shards after: " + " | ".join(data.decode().split("\n")).strip(" |"))
    print("\nSUMMARY")
    print(f"  kill at {kill_t[0]:.2f}s; failed requests/items between {first_fail and round(first_fail, 2)}s and {last_fail and round(last_fail, 2)}s; "
          f"{len(failed_all)} docs not acknowledged in the first pass")
    for t, h in timeline:
        print(f"  {t:7.2f}s health {h}")
    print(f"  final count {count} of {a.docs}: {'OK' if count == a.docs else 'MISMATCH'}")
    return 0 if count == a.docs else 1

if __name__ == "__main__":
    sys.exit(main())
