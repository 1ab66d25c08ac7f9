"""Searching the sample corpus from Python: the same answers as the command."""

import datetime
import json
import subprocess

import pytest

import baoku
from conftest import BAOKU_BIN, SAMPLE_CORPUS

SEED = "在新起点上接续奋斗"


def assert_highlights_made_of(hit, words):
    """Every highlight, title and snippets, is made of the query words: text[a:b]."""
    pieces = [hit.title[a:b] for a, b in hit.title_highlights]
    for snippet in hit.snippets:
        pieces += [snippet.text[a:b] for a, b in snippet.highlights]
        assert snippet.marked() == [snippet.text[a:b] for a, b in snippet.highlights]
    assert pieces, f"no highlights in {hit}"
    for piece in pieces:
        rest = piece
        for word in words:
            rest = rest.replace(word, "")
        assert rest == "", f"highlight {piece!r} is not made of {words}"


def test_the_sample_corpus_is_indexed_with_a_report(sample):
    archive, report = sample
    files = [p for p in SAMPLE_CORPUS.iterdir() if p.is_file()]
    assert report.inputs_read == len(files)
    assert report.added == len(archive) == report.total_articles > 20
    assert report.complete and report.failed == 0 and report.problems == []
    assert str(report).startswith(f"indexed {report.added} articles ({report.added} new")


def test_rural_income_finds_the_seed_with_its_fields_and_highlights(archive):
    results = archive.search("乡村振兴 收入")
    assert results.query == "乡村振兴 收入"
    assert results.mode == "all"
    assert results.total >= 5
    assert results.took_ms > 0
    assert results[0].title == "乡村振兴让农民钱袋子鼓起来"
    assert results[0].title_highlights == [(0, 4)]
    seed = next(h for h in results if h.title == SEED)
    assert seed.date == datetime.date(2022, 5, 17)
    assert isinstance(seed.date, datetime.date)
    assert seed.source == "吉林日报"
    assert seed.author == "孙翠翠"
    assert seed.url is None
    assert len(seed.id) == 16
    assert 1 <= len(seed.snippets) <= 3
    scores = [h.score for h in results if not h.partial]
    assert scores == sorted(scores, reverse=True)
    for hit in results:
        if not hit.partial:
            assert_highlights_made_of(hit, ["乡村振兴", "鄉村振興", "收入"])
    # Character offsets, not bytes: a highlight is a whole word of the query.
    assert "收入" in [s.text[a:b] for s in seed.snippets for a, b in s.highlights]


def test_results_are_those_of_the_command(archive):
    """to_dict() is `baoku search --json` of the same index, dates as datetime.date."""
    if not BAOKU_BIN.exists():
        pytest.skip(f"{BAOKU_BIN} is not built (cargo build --release)")
    for query, extra in [("乡村振兴 收入", {}), ("收入", {"facets": True, "limit": 20})]:
        args = [str(BAOKU_BIN), "--index", str(archive.path), "search", "--json", query]
        if extra.get("facets"):
            args.append("--facets")
        if "limit" in extra:
            args += ["--limit", str(extra["limit"])]
        cli = json.loads(subprocess.run(args, capture_output=True, check=True).stdout)
        ours = archive.search(query, **extra).to_dict()
        for answer in (cli, ours):
            answer.pop("took_ms")
        for hit in cli["hits"]:
            hit["date"] = datetime.date.fromisoformat(hit["date"]) if hit["date"] else None
        assert ours == cli
        assert ours["hits"] == archive.search(query, **extra).to_dicts()


def test_traditional_query_finds_simplified_text(archive):
    traditional = archive.search("鄉村振興")
    simplified = archive.search("乡村振兴")
    assert SEED in [h.title for h in traditional]
    assert traditional.total == simplified.total
    assert any("鄉村振興見成效" in h.title for h in simplified)
    for hit in simplified:
        assert_highlights_made_of(hit, ["乡村振兴", "鄉村振興"])


def test_a_pasted_question_is_answered_in_relaxed_mode(archive):
    results = archive.search("黑木耳是什么？")
    assert results.mode == "relaxed"
    assert results[0].title == "小木耳撑起大产业 汪清农民增收有门道"
    for snippet in results[0].snippets:
        assert not {"什么", "是"} & set(snippet.marked())
    pasted = archive.search("“黑木耳 产值")
    assert any("never closed" in note for note in pasted.notes)
    assert any("木耳" in h.title for h in pasted)


def test_filters_sort_paging_and_facets(archive):
    everything = archive.search("收入", limit=100, collapse=False)
    dated = [h.date for h in everything if h.date]
    since = archive.search("收入", since="2022", limit=100)
    assert {h.id for h in since} == {
        h.id for h in everything if h.date and h.date >= datetime.date(2022, 1, 1)
    }
    window = archive.search(
        "收入", since=datetime.date(2021, 3, 8), until="2021年4月", limit=100
    )
    assert window.total >= 1
    assert all(
        datetime.date(2021, 3, 8) <= h.date <= datetime.date(2021, 4, 30) for h in window
    )
    assert archive.search("收入", since=2023, limit=100).total == sum(
        1 for d in dated if d.year >= 2023
    )
    newest = archive.search("收入", sort="date", limit=100)
    days = [h.date for h in newest if h.date]
    assert days == sorted(days, reverse=True)
    page = archive.search("收入", limit=2, offset=1)
    assert [h.id for h in page] == [h.id for h in archive.search("收入", limit=3)][1:3]
    faceted = archive.search("收入", facets=True)
    assert sum(faceted.facets["source"].values()) == faceted.total
    assert sum(faceted.facets["month"].values()) == faceted.total
    # Newest first, as search --json gives them (undated last).
    assert list(faceted.facets["month"]) == sorted((m for m in faceted.facets["month"] if m), reverse=True)
    assert archive.search("收入").facets is None
    one = archive.search("收入", source="吉林日报")
    assert [h.source for h in one] == ["吉林日报"]


def test_bad_arguments_raise_errors_naming_them(archive):
    with pytest.raises(baoku.InvalidArgument, match=r"^since: .*2021-13"):
        archive.search("收入", since="2021-13")
    with pytest.raises(baoku.InvalidArgument, match="^sort: must be relevance, date or oldest"):
        archive.search("收入", sort="newest")
    with pytest.raises(baoku.InvalidArgument, match="^limit: at most 1000"):
        archive.search("收入", limit=5000)
    with pytest.raises(baoku.InvalidArgument, match="^snippet_chars"):
        archive.search("收入", snippet_chars=3)
    with pytest.raises(TypeError, match="since"):
        archive.search("收入", since=3.5)
    with pytest.raises(baoku.InvalidQuery, match="^invalid query"):
        archive.search("date:2099-99")
    assert issubclass(baoku.InvalidArgument, baoku.Error)


def test_get_reads_the_whole_article(archive):
    hit = next(h for h in archive.search("乡村振兴 收入") if h.title == SEED)
    article = archive.get(hit.id)
    assert (article.id, article.title, article.date, article.source) == (
        hit.id,
        SEED,
        datetime.date(2022, 5, 17),
        "吉林日报",
    )
    assert "12079元" in article.body
    assert article.to_dict()["date"] == datetime.date(2022, 5, 17)
    assert archive.get("no-such-id") is None


def test_stats_are_those_of_the_command(archive):
    stats = archive.stats()
    assert stats.articles == len(archive)
    assert stats.first_date <= datetime.date(2022, 5, 17) <= stats.last_date
    assert stats.top_sources["吉林日报"] >= 1
    assert stats.sources >= len(stats.top_sources)
    if BAOKU_BIN.exists():
        cli = json.loads(
            subprocess.run(
                [str(BAOKU_BIN), "--index", str(archive.path), "stats", "--json"],
                capture_output=True,
                check=True,
            ).stdout
        )
        ours = stats.to_dict()
        for key in ("first_date", "last_date"):
            ours[key] = ours[key].isoformat()
        assert {k: v for k, v in ours.items() if k in cli} == {
            k: v for k, v in cli.items() if k in ours
        }


def test_iter_matches_reads_every_match(archive):
    matches = archive.iter_matches("收入")
    ids = [m.id for m in matches]
    total = archive.search("收入", collapse=False).total
    assert matches.total == total == len(ids) == len(set(ids))
    assert len(list(archive.iter_matches("黄河湿地"))) == archive.search("黄河湿地").total
    with pytest.raises(baoku.InvalidQuery):
        archive.iter_matches("date:2099-99")


def test_iter_matches_rows_are_those_of_the_command_export(archive):
    fields = "id,date,source,title,score,snippet"
    ours = [m.to_dict() for m in archive.iter_matches("乡村振兴 收入", fields=fields.split(","))]
    if not BAOKU_BIN.exists():
        pytest.skip(f"{BAOKU_BIN} is not built (cargo build --release)")
    args = [str(BAOKU_BIN), "--index", str(archive.path), "search", "--export", "jsonl"]
    cli = subprocess.run(
        args + ["--fields", fields, "乡村振兴 收入"], capture_output=True, text=True, check=True
    )
    theirs = [json.loads(line) for line in cli.stdout.splitlines()]
    assert ours and len(ours) == len(theirs)
    for row in ours:
        row["date"] = row["date"].isoformat() if row["date"] else None
    assert ours == theirs
    first = next(archive.iter_matches("乡村振兴 收入", fields="id,snippet"))
    assert isinstance(first, baoku.Article) and "收入" in first.body
    assert first.snippet and "收入" in first.snippet and first.score > 0
    assert list(first.to_dict()) == ["id", "snippet"]
    assert next(archive.iter_matches("乡村振兴 收入")).snippet is None
    with pytest.raises(baoku.InvalidArgument, match="titel"):
        archive.iter_matches("收入", fields="id,titel")


def test_bad_paths_raise_the_library_errors(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(baoku.IndexMissing, match=f"^no baoku index at {missing}"):
        baoku.Archive(missing)
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "notes.txt").write_text("not an index")
    with pytest.raises(baoku.NotAnIndex, match="is not a baoku index"):
        baoku.Archive(tmp_path / "papers")
    with pytest.raises(baoku.NotAnIndex):
        baoku.Archive.create(tmp_path / "papers")
    archive = baoku.Archive.create(tmp_path / "index")
    with pytest.raises(baoku.Error, match=str(tmp_path / "no-such-folder")):
        archive.index(tmp_path / "no-such-folder")
    with pytest.raises(baoku.InvalidArgument, match="^format: "):
        archive.index(SAMPLE_CORPUS, format="pdf")
    with pytest.raises(baoku.InvalidArgument, match="^encoding: unknown encoding"):
        archive.index(SAMPLE_CORPUS, encoding="klingon")


def test_hits_carry_the_names_the_filters_find(archive):
    """`person`, `place`, `org` on a hit are the names `person:` and friends match."""
    people = archive.search("收入", limit=100, collapse=False)
    named = [h for h in people if h.person]
    assert named, "some article about income names a person"
    hit = named[0]
    assert all(isinstance(name, str) for name in hit.person + hit.place + hit.org)
    by_name = archive.search(f"person:{hit.person[0]}", limit=100, collapse=False)
    assert hit.id in [h.id for h in by_name]
    assert all(hit.person[0] in h.person for h in by_name)
    as_dict = hit.to_dict()
    assert (as_dict["person"], as_dict["place"], as_dict["org"]) == (hit.person, hit.place, hit.org)
