"""Shared fixtures of the baoku Python tests: the sample corpus indexed once, through
the module itself (``Archive.create`` + ``index``), in a temporary folder.

With ``BAOKU_PYTHON_NO_SKIP=1`` (as ``.ci/run`` sets it) a skipped test fails the run:
in CI everything a test needs (pandas, the release-built ``baoku`` command) is there.
"""

import os
from pathlib import Path

import pytest

import baoku

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = REPO / "sample_corpus"
# The command built by `cargo build --release`, for the tests that compare with it.
BAOKU_BIN = Path(os.environ.get("BAOKU_BIN", REPO / "target" / "release" / "baoku"))


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The sample corpus, indexed: (archive, report)."""
    path = tmp_path_factory.mktemp("sample") / "index"
    archive = baoku.Archive.create(path)
    report = archive.index([SAMPLE_CORPUS], threads=2)
    return archive, report


@pytest.fixture
def archive(sample):
    return sample[0]


@pytest.fixture
def empty(tmp_path):
    """A new, empty archive of the test's own."""
    return baoku.Archive.create(tmp_path / "index")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("BAOKU_PYTHON_NO_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            print(f"\nci: skipped, which CI does not allow: {report.nodeid}: {report.longrepr}")
        session.exitstatus = 1
