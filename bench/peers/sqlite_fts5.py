#!/usr/bin/env python3
"""SQLite FTS5 (Python's standard sqlite3) with jieba-segmented text, as a baoku peer.

FTS5's unicode61 tokenizer does not split Chinese, so title and body are segmented
with jieba (precise mode `jieba.cut`, HMM on: the usual "FTS5 + jieba" recipe) and
stored with an invisible separator (U+2063) between the words; unicode61 splits there
and lowercases. Segmentation runs in two worker processes (the machine's two cores) while
the main process inserts in one transaction.

Queries: each query word is segmented the same way and becomes an FTS5 phrase of its
jieba words ("乡村 振兴"); words are AND-ed (strict). When nothing matches, relaxed mode
ORs every jieba word of the query. Ranking is FTS5's bm25() with the title weighted 3x.
Snippets: FTS5's snippet() on the body (about 40 tokens) and highlight() on the title,
with the separators removed again. The stored text is the segmented text (the original
plus one 3-byte separator per word).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import re
import sqlite3
import sys

import pycommon

FIELDS = ("id", "title", "body", "date", "source", "author", "url")
# --mode or: title and body weigh the same (see LuceneBench.java: 3x hurts questions on
# qa_cctv); BENCH_OR_TITLE_BOOST overrides it (run.py measures both on qa_passages)
OR_TITLE_WEIGHT = float(os.environ.get("BENCH_OR_TITLE_BOOST", "1.0"))
_jieba = None


def jieba():
    global _jieba
    if _jieba is None:
        import jieba as j

        j.setLogLevel(60)
        j.initialize()
        _jieba = j
    return _jieba


# Words are separated by U+2063 INVISIBLE SEPARATOR (category Cf, a separator for
# unicode61), so the stored text is the original with invisible marks between words.
SEP = "\u2063"


def segment(text: str) -> str:
    return SEP.join(jieba().cut(text or ""))


def _prepare(lines):
    out = []
    for line in lines:
        r = json.loads(line)
        out.append((r.get("id"), segment(r.get("title")), segment(r.get("body")), r.get("date"), r.get("source"), r.get("author"), r.get("url")))
    return out


def _batches(files, size=200):
    batch = []
    for line in pycommon.read_jsonl(files):
        batch.append(line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path, files):
    os.makedirs(path, exist_ok=True)
    db = os.path.join(path, "fts.db")
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, date UNINDEXED, "
        "source UNINDEXED, author UNINDEXED, url UNINDEXED, tokenize='unicode61')"
    )
    n = 0
    with mp.Pool(2, initializer=jieba) as pool:
        for rows in pool.imap(_prepare, _batches(files), chunksize=1):
            con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", rows)
            n += len(rows)
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    return n


def unsegment(text):
    return text.replace(SEP, "") if text else text


def fts_phrase(tokens):
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


class Searcher:
    def __init__(self, path):
        self.con = sqlite3.connect(f"file:{os.path.join(path, 'fts.db')}?mode=ro", uri=True)
        jieba()

    @staticmethod
    def _tokens(word):
        return [t for t in jieba().cut(word) if re.search(r"\w", t)]

    def strict(self, query):
        parts = [fts_phrase(toks) for toks in map(self._tokens, pycommon.words(query)) if toks]
        return " AND ".join(parts) if parts else None

    def relaxed(self, query, split=pycommon.words):
        toks = list(dict.fromkeys(t for w in split(query) for t in self._tokens(w)))
        return " OR ".join(fts_phrase([t]) for t in toks) if toks else None

    def _top(self, match, limit, title_weight=3.0):
        return self.con.execute(
            # bm25() may not appear beside a window function, hence the subquery
            "SELECT rowid, s, count(*) OVER () FROM (SELECT rowid, bm25(docs, 0.0, ?, 1.0) AS s "
            "FROM docs WHERE docs MATCH ?) ORDER BY s LIMIT ?",
            (title_weight, match, limit),
        ).fetchall()

    def run(self, query, limit, snippets, or_mode=False):
        if or_mode:
            mode, match = "or", self.relaxed(query, pycommon.or_words)
        else:
            mode, match = "all", self.strict(query)
        rows = self._top(match, limit, OR_TITLE_WEIGHT if or_mode else 3.0) if match else []
        if not rows and not or_mode:
            mode, match = "relaxed", self.relaxed(query)
            rows = self._top(match, limit) if match else []
        if not rows:
            return 0, mode, []
        total = rows[0][2]
        rowids = [r[0] for r in rows]
        marks = ",".join("?" * len(rowids))
        if snippets:
            sql = (
                "SELECT rowid, id, highlight(docs, 1, '<b>', '</b>'), date, source, "
                "snippet(docs, 2, '<b>', '</b>', '…', 40) FROM docs WHERE docs MATCH ? "
                f"AND rowid IN ({marks})"
            )
        else:
            sql = f"SELECT rowid, id FROM docs WHERE docs MATCH ? AND rowid IN ({marks})"
        by_rowid = {r[0]: r for r in self.con.execute(sql, (match, *rowids))}
        hits = []
        for rowid, score, _ in rows:
            r = by_rowid[rowid]
            hit = {"id": r[1], "score": -score}
            if snippets:
                hit.update(title=unsegment(r[2]), date=r[3], source=r[4], snippet=unsegment(r[5]))
            hits.append(hit)
        return total, mode, hits


if __name__ == "__main__":
    pycommon.main(sys.modules[__name__])
