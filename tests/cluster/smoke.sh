#!/usr/bin/env bash
# Check that a cluster started by tests/cluster/start.sh does what baoku needs of it:
# index with 2 shards x 1 replica and baoku's analyzers (standard + cjk_width + lowercase +
# cjk_bigram; whitespace), _bulk of Chinese documents, match_phrase, bool + highlight,
# _analyze, green health. Leaves no index behind. Needs curl only.
#
#   tests/cluster/smoke.sh URL [NODES]      (URL as printed by start.sh)
set -u
[ $# -ge 1 ] || { echo "usage: $0 URL [NODES]" >&2; exit 2; }
U=${1%/}; NODES=${2:-}
IX=baoku_smoke_$$
PASS=0; FAIL=0
J='content-type: application/json'
check() {  # name, body, substring...
    local name=$1 body=$2; shift 2
    for want in "$@"; do
        if ! printf '%s' "$body" | grep -qF -- "$want"; then
            echo "FAIL $name: no '$want' in: ${body:0:400}"; FAIL=$((FAIL + 1)); return
        fi
    done
    echo "ok   $name"; PASS=$((PASS + 1))
}
q() { curl -s -m 60 "$@"; }

R=$(q "$U/_cat/nodes?h=name")
if [ -n "$NODES" ]; then
    [ "$(printf '%s\n' "$R" | grep -c node)" = "$NODES" ] && { echo "ok   _cat/nodes shows $NODES nodes"; PASS=$((PASS + 1)); } \
        || { echo "FAIL _cat/nodes: $R"; FAIL=$((FAIL + 1)); }
fi

R=$(q -XPUT "$U/$IX?wait_for_active_shards=all" -H "$J" -d '{
 "settings":{"number_of_shards":2,"number_of_replicas":1,
  "analysis":{"analyzer":{
    "baoku_bigram":{"type":"custom","tokenizer":"standard","filter":["cjk_width","lowercase","cjk_bigram"]},
    "baoku_words":{"type":"custom","tokenizer":"whitespace"}}}},
 "mappings":{"properties":{
   "title":{"type":"text","analyzer":"baoku_bigram"},
   "body":{"type":"text","analyzer":"baoku_bigram"},
   "words":{"type":"text","analyzer":"baoku_words"},
   "source":{"type":"keyword"},
   "date":{"type":"date"}}}}')
check "create index (2 shards, 1 replica, cjk_bigram + whitespace analyzers)" "$R" '"acknowledged":true' '"shards_acknowledged":true'

R=$(q -XPOST "$U/_bulk?refresh=wait_for" -H 'content-type: application/x-ndjson' --data-binary @- <<NDJSON
{"index":{"_index":"$IX","_id":"a1"}}
{"title":"乡村振兴带动农民收入增长","body":"今年以来，乡村振兴战略持续推进，农民人均可支配收入同比增长６．５％。","words":"乡村 振兴 带动 农民 收入 增长","source":"人民日报","date":"2024-03-01"}
{"index":{"_index":"$IX","_id":"a2"}}
{"title":"城市更新与住房保障","body":"多地推进城市更新，保障性住房建设提速，ＧＤＰ增速稳定。","words":"城市 更新 与 住房 保障","source":"新华社","date":"2024-03-02"}
{"index":{"_index":"$IX","_id":"a3"}}
{"title":"收入分配改革","body":"深化收入分配制度改革，促进乡村居民增收，振兴实体经济。","words":"收入 分配 改革","source":"经济日报","date":"2024-03-03"}
NDJSON
)
check "_bulk 3 Chinese documents" "$R" '"errors":false' '"_id":"a3"'

R=$(q "$U/$IX/_search?filter_path=hits.total,hits.hits._id,hits.hits.highlight" -H "$J" \
    -d '{"query":{"match_phrase":{"body":"乡村振兴"}},"highlight":{"fields":{"body":{}}}}')
check "match_phrase 乡村振兴 + highlight" "$R" '"value":1' '"_id":"a1"' '<em>乡村振兴</em>'

R=$(q "$U/$IX/_search?search_type=dfs_query_then_fetch&filter_path=hits.total,hits.hits._id,hits.hits.highlight" -H "$J" -d '{
  "query":{"bool":{"must":[{"match_phrase":{"body":"收入"}}],"should":[{"match":{"words":"振兴"}}],
           "must_not":[{"term":{"source":"新华社"}}],"filter":[{"range":{"date":{"gte":"2024-03-01"}}}]}},
  "highlight":{"fields":{"body":{}}}}')
check "bool (must/should/must_not/filter) + highlight, dfs_query_then_fetch" "$R" '"value":2' '"_id":"a1"' '"_id":"a3"' '<em>收入</em>'

R=$(q "$U/$IX/_search?filter_path=hits.hits._id" -H "$J" -d '{"query":{"match_phrase":{"body":"gdp"}}}')
check "cjk_width + lowercase: gdp finds ＧＤＰ" "$R" '"_id":"a2"'

R=$(q "$U/$IX/_analyze" -H "$J" -d '{"analyzer":"baoku_bigram","text":"乡村振兴收入"}')
check "_analyze 乡村振兴收入 -> bigrams" "$R" '"token":"乡村"' '"token":"村振"' '"token":"振兴"' '"token":"兴收"' '"token":"收入"'

R=$(q "$U/$IX/_analyze" -H "$J" -d '{"analyzer":"baoku_words","text":"乡村 振兴 收入"}')
check "_analyze whitespace words" "$R" '"token":"乡村"' '"token":"振兴"' '"token":"收入"'

R=$(q "$U/_cluster/health/$IX?wait_for_status=green&timeout=60s")
check "index health green (replicas assigned)" "$R" '"status":"green"' '"unassigned_shards":0'

R=$(q -XDELETE "$U/$IX")
check "delete index" "$R" '"acknowledged":true'

echo "cluster smoke: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
