#!/usr/bin/env python3
"""tantivy's Python binding (`pip install tantivy`) with CJK bigrams, as a baoku peer.

Analysis: the binding's NgramTokenizer(2, 2) + lowercase on title and body — every
overlapping pair of characters of the text, as the binding offers it. That tokenizer
gives every gram position 0, so phrases cannot be checked: a query word is the AND of
its bigrams (a one-bigram word is a term query). Titles are boosted 3x like baoku's.
Strict mode requires every word (in title or body); when nothing matches, relaxed mode
ranks by any bigram of the query. Snippets: tantivy's SnippetGenerator on the body
(one fragment of at most 240 bytes ≈ 80 CJK characters: its limit counts bytes) and on
the title. Records are parsed with Python's json and added as tantivy Documents
(IndexWriter.add_json would parse in Rust but refuses the corpus's null values).
"""
from __future__ import annotations

import json
import os
import sys

import tantivy

import pycommon

TITLE_BOOST = 3.0
# --mode or: no title boost (see LuceneBench.java: 3x halves a question's MRR on qa_cctv);
# BENCH_OR_TITLE_BOOST overrides it (run.py measures both on qa_passages)
OR_TITLE_BOOST = float(os.environ.get("BENCH_OR_TITLE_BOOST", "1.0"))
TOKENIZER = "cjk_bigram"


def analyzer():
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 2, False)).filter(tantivy.Filter.lowercase()).build()


def schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name=TOKENIZER, index_option="freq")
    sb.add_text_field("body", stored=True, tokenizer_name=TOKENIZER, index_option="freq")
    for f in ("date", "source", "author", "url"):
        sb.add_text_field(f, stored=True, tokenizer_name="raw")
    return sb.build()


def open_index(path, create=False):
    idx = tantivy.Index(schema(), path=path, reuse=not create)
    idx.register_tokenizer(TOKENIZER, analyzer())
    return idx


def build(path, files):
    os.makedirs(path, exist_ok=True)
    idx = open_index(path, create=True)
    sch = idx.schema
    writer = idx.writer(heap_size=256_000_000, num_threads=2)
    n = 0
    fields = ("id", "title", "body", "date", "source", "author", "url")
    for line in pycommon.read_jsonl(files):
        rec = json.loads(line)
        # add_json refuses null values, which the corpus has (author, date, url)
        writer.add_document(tantivy.Document.from_dict({f: rec[f] for f in fields if rec.get(f) is not None}, sch))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return n


class Searcher:
    def __init__(self, path):
        self.index = open_index(path)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = analyzer()

    def _field_query(self, field, grams, occur):
        qs = [tantivy.Query.term_query(self.schema, field, g) for g in grams]
        if len(qs) == 1:
            return qs[0]
        return tantivy.Query.boolean_query([(occur, q) for q in qs])

    def _either(self, grams, occur, title_boost=TITLE_BOOST):
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._field_query("title", grams, occur), title_boost)),
                (tantivy.Occur.Should, self._field_query("body", grams, occur)),
            ]
        )

    def strict(self, query):
        clauses = []
        for w in pycommon.words(query):
            grams = list(dict.fromkeys(self.analyzer.analyze(w)))
            if grams:
                clauses.append((tantivy.Occur.Must, self._either(grams, tantivy.Occur.Must)))
        return tantivy.Query.boolean_query(clauses) if clauses else None

    def relaxed(self, query, split=pycommon.words, title_boost=TITLE_BOOST):
        grams = []
        for w in split(query):
            grams.extend(self.analyzer.analyze(w))
        grams = list(dict.fromkeys(grams))
        return self._either(grams, tantivy.Occur.Should, title_boost) if grams else None

    def run(self, query, limit, snippets, or_mode=False):
        if or_mode:
            mode, q = "or", self.relaxed(query, pycommon.or_words, OR_TITLE_BOOST)
        else:
            mode, q = "all", self.strict(query)
        res = self.searcher.search(q, limit, count=True) if q else None
        if (res is None or res.count == 0) and not or_mode:
            mode, q = "relaxed", self.relaxed(query)
            res = self.searcher.search(q, limit, count=True) if q else None
        if res is None:
            return 0, mode, []
        hits = []
        if snippets and res.hits:
            body_gen = tantivy.SnippetGenerator.create(self.searcher, q, self.schema, "body")
            body_gen.set_max_num_chars(240)
            title_gen = tantivy.SnippetGenerator.create(self.searcher, q, self.schema, "title")
            title_gen.set_max_num_chars(1000)
        for score, addr in res.hits:
            doc = self.searcher.doc(addr)
            hit = {"id": doc.get_first("id"), "score": score}
            if snippets:
                hit["title"] = title_gen.snippet_from_doc(doc).to_html() or doc.get_first("title")
                hit["date"] = doc.get_first("date")
                hit["source"] = doc.get_first("source")
                hit["snippet"] = body_gen.snippet_from_doc(doc).to_html()
            hits.append(hit)
        return res.count, mode, hits


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    pycommon.main(sys.modules[__name__])
