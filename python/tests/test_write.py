"""Writing from Python: upserts of dicts, deletes, commits, one writer at a time, and
searches running while a writer writes."""

import datetime
import threading
import time

import pytest

import baoku
from conftest import SAMPLE_CORPUS

RECORD = {
    "id": "jl-2022-0517",
    "title": "在新起点上接续奋斗",
    "date": "2022-05-17",
    "source": "吉林日报",
    "body": "全省脱贫群众人均收入达到12079元，乡村振兴良好开局。",
}


def test_upserts_are_committed_at_the_end_of_the_block(empty):
    with empty.writer() as w:
        assert w.upsert(RECORD) == "jl-2022-0517"
        # Nothing is visible before the commit.
        assert empty.search("乡村振兴").total == 0
    assert w.closed and w.added == 1
    hit = empty.search("鄉村振興 收入")[0]
    assert (hit.id, hit.date, hit.source, hit.path) == (
        "jl-2022-0517",
        datetime.date(2022, 5, 17),
        "吉林日报",
        None,
    )
    assert hit.snippets[0].marked() == ["收入", "乡村振兴"]


def test_a_bulk_writer_commits_and_ends_with_one_segment(empty):
    # The default on an empty archive; its commits are seen as any writer's are.
    with empty.writer(bulk=True) as w:
        for i in range(3):
            w.upsert({"id": f"b{i}", "title": f"湿地{i}", "body": f"第{i}篇湿地报道"})
            w.commit()
            assert empty.search("湿地").total == i + 1
    empty.reload()  # the merge at the end is another writer's commit
    assert empty.stats().segments == 1 and len(empty) == 3


def test_records_read_as_json_lines_are(empty):
    """Keys and values as in a JSON Lines file: aliases, dates in any form, no id."""
    with empty.writer() as w:
        aliased = w.upsert(
            {"headline": "黑木耳产业", "content": "<p>汪清县黑木耳年产值</p>", "pubdate": "2020年10月12日"}
        )
        dated = w.upsert({"title": "日期", "body": "湿地保护", "date": datetime.date(2021, 3, 8)})
        epoch = w.upsert({"title": "时间戳", "body": "冬奥会", "date": 1644192000})
    assert len(aliased) == 16
    article = empty.get(aliased)
    assert (article.title, article.body, article.date) == (
        "黑木耳产业",
        "汪清县黑木耳年产值",
        datetime.date(2020, 10, 12),
    )
    assert empty.get(dated).date == datetime.date(2021, 3, 8)
    assert empty.get(epoch).date == datetime.date(2022, 2, 7)
    # The same record upserted again has the same id: no second copy.
    with empty.writer() as w:
        again = w.upsert({"title": "时间戳", "body": "冬奥会", "date": 1644192000})
    assert again == epoch and len(empty) == 3


def test_fields_map_record_keys(empty):
    with empty.writer(fields={"body": "正文内容", "title": "标题"}) as w:
        key = w.upsert({"标题": "映射", "正文内容": "字段映射测试"})
    assert empty.get(key).body == "字段映射测试"
    with pytest.raises(baoku.InvalidArgument, match="^fields: .*unknown article field"):
        empty.writer(fields={"colour": "x"})


def test_replace_delete_duplicate_and_rollback(empty):
    with empty.writer() as w:
        w.upsert(RECORD)
        copy = w.upsert({**RECORD, "id": "another-id"})
    assert copy == "jl-2022-0517" and w.duplicates == 1 and len(empty) == 1
    with empty.writer() as w:
        w.upsert({**RECORD, "title": "新标题"})
        assert w.replaced == 1
    assert empty.get("jl-2022-0517").title == "新标题"
    with pytest.raises(RuntimeError):
        with empty.writer() as w:
            w.delete("jl-2022-0517")
            raise RuntimeError("the block failed")
    # The block raised: the delete was discarded.
    assert empty.get("jl-2022-0517") is not None
    w = empty.writer()
    w.delete("jl-2022-0517")
    w.commit()
    assert empty.get("jl-2022-0517") is None
    w.upsert(RECORD)
    w.rollback()
    w.close()
    assert len(empty) == 0
    with pytest.raises(baoku.Error, match="the writer is closed"):
        w.upsert(RECORD)


def test_bad_records_raise_errors(empty):
    with empty.writer() as w:
        with pytest.raises(baoku.InvalidArticle, match="^upsert: no article: no title and no text"):
            w.upsert({"source": "吉林日报"})
        with pytest.raises(baoku.InvalidArticle, match="is not a date"):
            w.upsert({"title": "t", "body": "b", "date": "someday"})
        with pytest.raises(TypeError, match="expected a dict"):
            w.upsert(["title", "body"])
        with pytest.raises(TypeError, match="date.x: a object is not a JSON value"):
            w.upsert({"title": "t", "body": "b", "date": {"x": object()}})
        w.upsert(RECORD)
    assert len(empty) == 1


def test_a_second_writer_is_refused(empty):
    with empty.writer():
        with pytest.raises(baoku.IndexInUse, match="is in use: baoku process \\d+ is writing"):
            empty.writer()
        with pytest.raises(baoku.IndexInUse):
            empty.index(SAMPLE_CORPUS)
        # Another handle on the same archive is refused too.
        with pytest.raises(baoku.IndexInUse):
            baoku.Archive(empty.path).writer()
    with empty.writer() as w:
        w.upsert(RECORD)
    assert len(empty) == 1


def test_threads_search_while_one_writes(empty):
    with empty.writer() as w:
        w.upsert(RECORD)
    errors, totals = [], []
    stop = threading.Event()

    def searching():
        try:
            while not stop.is_set():
                results = empty.search("收入", limit=5)
                totals.append(results.total)
                assert all("收入" in s.marked() for h in results for s in h.snippets[:1])
        except Exception as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for t in threads:
        t.start()
    with empty.writer() as w:
        for batch in range(3):
            for i in range(50):
                w.upsert({"id": f"n{batch}-{i}", "title": f"第{batch}批{i}号", "body": f"农民收入第{i}项"})
            w.commit()
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(totals) > 3
    # Every search saw a whole commit: 1, 51, 101 or 151 articles, never a part of one.
    assert set(totals) <= {1, 51, 101, 151}
    assert empty.search("收入").total == 151


def test_the_gil_is_released_while_indexing(empty):
    """The main thread runs Python while another thread is inside index()."""
    span = {}

    def indexing():
        span["start"] = time.perf_counter()
        empty.index(SAMPLE_CORPUS, threads=1)
        span["end"] = time.perf_counter()

    other = baoku.Archive.create(empty.path.parent / "other")
    with other.writer() as w:
        w.upsert(RECORD)
    t = threading.Thread(target=indexing)
    t.start()
    done = []
    while t.is_alive():
        other.search("收入")
        done.append(time.perf_counter())
    t.join()
    assert any(span["start"] < d < span["end"] for d in done), "no search ran during index()"


def test_iter_matches_streams_every_match_once_past_a_page(empty):
    # More than a search's 1000 hits: each is yielded once, in the order asked for.
    wanted = {f"a{i:05}" for i in range(2100)}
    with empty.writer() as w:
        for i in range(2100):
            w.upsert(
                {
                    "id": f"a{i:05}",
                    "date": f"20{10 + i // 365:02}-01-01",
                    "title": f"报道{i}",
                    "body": f"第{i}篇关于湿地保护的报道",
                }
            )
    matches = empty.iter_matches("湿地", sort="oldest")
    assert matches.total == len(matches) == 2100
    seen = [m.id for m in matches]
    assert len(seen) == len(set(seen)) == 2100 and set(seen) == wanted
    dates = [m.date for m in empty.iter_matches("湿地", sort="oldest")]
    assert dates == sorted(dates)
    # The matches are those of the commit seen when the iteration began.
    matches = empty.iter_matches("湿地")
    first = next(matches)
    with empty.writer() as w:
        w.upsert({"id": "late", "title": "迟到", "body": "湿地"})
        w.delete("a00000")
    rest = [m.id for m in matches]
    assert len(rest) == 2099 and "late" not in rest and first.id not in rest
    assert set(rest) | {first.id} == wanted


def test_index_reports_problems_and_skips_unchanged_inputs(empty, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"title": "一", "body": "湿地"}\n{not json\n{"title": "二", "content": "湿地"}\n',
        encoding="utf-8",
    )
    report = empty.index([feed])
    assert (report.added, report.failed, report.complete) == (2, 1, False)
    [problem] = report.problems
    assert problem.kind == "malformed"
    assert problem.origin == f"{feed}:2"
    assert str(problem).startswith(f"{feed}:2: malformed JSON")
    # An input with a problem is read again next time; one read whole is not.
    again = empty.index(feed)
    assert (again.inputs_read, again.replaced, again.failed) == (1, 2, 1)
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"title": "三", "body": "湿地"}\n', encoding="utf-8")
    assert empty.index(clean).added == 1
    unchanged = empty.index([clean])
    assert (unchanged.inputs_unchanged, unchanged.added, unchanged.unchanged) == (1, 0, 1)
    with pytest.raises(baoku.Error, match=f"{feed}:2"):
        baoku.Archive.create(tmp_path / "strict").index(feed, strict=True)


def test_an_article_keeps_what_its_record_wrote(empty, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "m1", "title": "春耕忙_新华网", "body": "田里有**好消息**。"}\n'
        '{"id": "p1", "title": "秋收", "body": "粮食丰收。"}\n',
        encoding="utf-8",
    )
    assert empty.index(feed).added == 2
    marked = empty.get("m1")
    assert (marked.title, marked.body) == ("春耕忙", "田里有好消息。")
    assert (marked.raw_title, marked.raw_body) == ("春耕忙_新华网", "田里有**好消息**。")
    assert marked.was_cleaned
    plain = empty.get("p1")
    assert (plain.raw_title, plain.raw_body) == (plain.title, plain.body)
    assert not plain.was_cleaned
