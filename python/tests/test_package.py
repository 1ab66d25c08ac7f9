"""The package as a user meets it: the README's example, pandas, the type stubs and
docstrings, and the exception classes."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import baoku
from conftest import REPO, SAMPLE_CORPUS

STUBS = REPO / "python" / "baoku.pyi"


def readme_python_section():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w*)\n(.*?)```", section, re.S)


def test_the_readme_example_runs(tmp_path):
    blocks = readme_python_section()
    [install] = [code for lang, code in blocks if lang in ("sh", "bash", "console")]
    assert "pip install ./python" in install
    [example] = [code for lang, code in blocks if lang == "python"]
    assert len(example.strip().splitlines()) == 5
    os.symlink(SAMPLE_CORPUS, tmp_path / "sample_corpus")
    run = subprocess.run(
        [sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "乡村振兴让农民钱袋子鼓起来" in run.stdout
    assert "2021-09-14" in run.stdout and "['乡村振兴', '收入']" in run.stdout


def test_to_pandas_and_to_dicts(archive):
    pandas = pytest.importorskip("pandas")
    results = archive.search("乡村振兴 收入")
    frame = results.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == len(results)
    assert list(frame["id"]) == [h.id for h in results]
    assert list(frame["date"]) == [h.date for h in results]
    assert {"title", "source", "score", "snippets", "title_highlights"} <= set(frame.columns)
    assert results.to_dicts()[0]["snippets"][0]["highlights"]
    empty = archive.search("企鹅冰川").to_pandas()
    assert len(empty) == 0 and "title" in empty.columns


def test_to_pandas_without_pandas_says_what_to_install(archive, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"to_pandas\(\) needs pandas.*pip install pandas"):
        archive.search("收入").to_pandas()
    assert archive.search("收入").to_dicts()


def test_every_exception_is_a_baoku_error():
    names = [
        "IndexMissing", "NotAnIndex", "IndexVersion", "IndexInUse", "IndexWriteError",
        "InvalidQuery", "InvalidArticle", "InvalidArgument",
    ]
    for name in names:
        cls = getattr(baoku, name)
        assert issubclass(cls, baoku.Error) and cls.__module__ == "baoku", name
        assert cls.__doc__
    assert issubclass(baoku.Error, Exception)


def stub_classes():
    """{class: its methods and properties in baoku.pyi, with those of its stub bases}."""
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    own = {
        node.name: {
            item.name
            for item in node.body
            if isinstance(item, ast.FunctionDef) and not item.name.startswith("__")
        }
        for node in classes
    }
    for node in classes:
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id in own:
                own[node.name] |= own[base.id]
    return own


def test_the_stubs_describe_the_module():
    """Every public class and method is in baoku.pyi, and everything there exists."""
    stubs = stub_classes()
    public = {n for n in dir(baoku) if not n.startswith("_") and isinstance(getattr(baoku, n), type)}
    assert public == set(stubs)
    for name, methods in stubs.items():
        cls = getattr(baoku, name)
        runtime = {m for m in dir(cls) if not m.startswith("_")} - set(dir(Exception))
        assert methods == runtime, name


def test_help_reads_well():
    assert "index directory" in baoku.Archive.__doc__
    for method in ("search", "iter_matches", "index", "writer", "get", "stats"):
        doc = getattr(baoku.Archive, method).__doc__
        assert doc and len(doc) > 20, method
    assert "query" in baoku.Archive.search.__text_signature__
    assert "GIL" in baoku.Archive.search.__doc__
    assert "text[a:b]" in baoku.Snippet.__doc__
    assert baoku.__version__
