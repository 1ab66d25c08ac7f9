"""baoku (报库): full-text search for Chinese news archives, in-process.

The same index, analysis and results as the ``baoku`` command: an archive built by
``baoku index`` is searched here, and one built here is searched by ``baoku search``.
"""

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Optional, Union

__version__: str

StrPath = Union[str, os.PathLike[str]]
Period = Union[str, int, datetime.date]
"""A day, month or year: ``"2021"``, ``"2021-03"``, ``"2021-03-08"``,
``"2021年3月"``, a ``datetime.date`` (that day) or an ``int`` (that year)."""

Record = Mapping[str, Any]
"""A record with the keys of a JSON Lines line: title, body (content, 正文…), date,
source, author, editor, url, id…"""

class Error(Exception):
    """Everything baoku raises: the library's one-line message."""

class IndexMissing(Error):
    """There is no baoku index at the path (create one with Archive.create)."""

class NotAnIndex(Error):
    """The directory exists and holds other files, not a baoku index."""

class IndexVersion(Error):
    """The index was built by a baoku with another schema or analyzer version."""

class IndexInUse(Error):
    """Another writer (in this process or another) is writing the index."""

class IndexWriteError(Error):
    """Writing the index failed (a full disk, an I/O error); it keeps its last commit."""

class InvalidQuery(Error):
    """The query cannot be understood."""

class InvalidArticle(Error):
    """An input or a record holds no article baoku can read."""

class InvalidArgument(Error):
    """An argument has a value baoku does not accept (a date, a sort order, a format…)."""

class Archive:
    """A baoku archive: the index directory that ``baoku index`` writes.

    ``Archive(path)`` opens an existing archive (``IndexMissing`` if there is none);
    ``Archive.create(path)`` makes a new, empty one. Searches run in parallel from
    several threads, without the GIL, while at most one writer writes.
    """

    def __init__(self, path: StrPath) -> None:
        """Opens the archive at ``path``, checking that it is a baoku index of this version."""
    @staticmethod
    def create(path: StrPath) -> Archive:
        """Creates a new, empty archive at ``path``, which must not exist or be empty."""
    @staticmethod
    def open_or_create(path: StrPath) -> Archive:
        """Opens the archive at ``path``, creating it if it does not exist or is empty."""
    @property
    def path(self) -> Path:
        """The index directory."""
    def reload(self) -> None:
        """Makes this handle see the latest commit now (another process's too)."""
    def search(
        self,
        query: str = "",
        limit: int = 10,
        offset: int = 0,
        since: Optional[Period] = None,
        until: Optional[Period] = None,
        source: Optional[str] = None,
        author: Optional[str] = None,
        sort: Literal["relevance", "date", "oldest"] = "relevance",
        recent: bool = False,
        collapse: bool = True,
        facets: bool = False,
        snippets: int = 3,
        snippet_chars: int = 80,
    ) -> SearchResults:
        """Searches the archive, as ``baoku search --json`` does (at most 1000 hits a
        call; ``iter_matches`` reads every match). The GIL is released meanwhile."""
    def iter_matches(
        self,
        query: str = "",
        since: Optional[Period] = None,
        until: Optional[Period] = None,
        source: Optional[str] = None,
        author: Optional[str] = None,
        sort: Literal["relevance", "date", "oldest"] = "relevance",
        recent: bool = False,
        fields: Union[str, Sequence[str], None] = None,
        snippet_chars: int = 80,
    ) -> Matches:
        """Every article that matches ``query``, in order, one at a time: what
        ``baoku search --export`` writes (reprints included). ``fields`` (as
        ``--fields``) are the keys of ``Match.to_dict()``; ``"snippet"`` among them
        cuts each match's best fragment. A commit meanwhile does not change them."""
    def get(self, id: str) -> Optional[Article]:
        """The article with this id, or None."""
    def stats(self) -> Stats:
        """What the archive holds, as ``baoku stats`` says."""
    def index(
        self,
        paths: Union[StrPath, Iterable[StrPath]],
        threads: Optional[int] = None,
        format: Optional[str] = None,
        encoding: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        batch: int = 20000,
        memory_mb: Optional[int] = None,
        prune: bool = False,
        strict: bool = False,
    ) -> IndexReport:
        """Indexes every article under ``paths`` as ``baoku index`` does; problems are
        in the report (``strict=True`` raises at the first). The GIL is released."""
    def writer(
        self,
        threads: Optional[int] = None,
        memory_mb: Optional[int] = None,
        fields: Optional[Mapping[str, str]] = None,
        bulk: Optional[bool] = None,
    ) -> Writer:
        """A writer for records built in Python; a context manager that commits at the
        end of the block. A second writer raises ``IndexInUse``. ``bulk`` (default: the
        archive is empty) merges the segments once, at the end."""
    def __len__(self) -> int:
        """Number of articles."""

class Writer:
    """Writes records built in Python into an archive (``archive.writer()``)."""

    def upsert(self, record: Record) -> str:
        """Adds the article in ``record`` (keys as in JSON Lines), replacing any with the
        same id; returns its id (for an exact duplicate, the stored article's)."""
    def delete(self, id: str) -> None:
        """Deletes the article with this id, if there is one (at the next commit)."""
    def commit(self) -> None:
        """Makes every change so far durable and visible to searches."""
    def rollback(self) -> None:
        """Discards every change since the last commit."""
    def close(self) -> None:
        """Commits, waits for merges, and releases the archive's lock."""
    @property
    def closed(self) -> bool: ...
    @property
    def added(self) -> int: ...
    @property
    def replaced(self) -> int: ...
    @property
    def duplicates(self) -> int: ...
    def __enter__(self) -> Writer: ...
    def __exit__(self, exc_type: Any = None, exc: Any = None, traceback: Any = None) -> bool:
        """Commits when the block ends normally; discards everything when it raises."""

class Snippet:
    """A fragment of the text; ``text[a:b]`` for ``(a, b)`` in ``highlights`` is a query word."""

    @property
    def text(self) -> str: ...
    @property
    def highlights(self) -> list[tuple[int, int]]:
        """``[start, end)`` offsets in characters of ``text`` (Python string indices)."""
    def marked(self) -> list[str]:
        """The highlighted pieces of ``text``, in order."""
    def to_dict(self) -> dict[str, Any]: ...

class Hit:
    """One matching article, with the fields of ``baoku search --json``."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def title_highlights(self) -> list[tuple[int, int]]: ...
    @property
    def subtitle(self) -> Optional[str]: ...
    @property
    def subtitle_highlights(self) -> list[tuple[int, int]]: ...
    @property
    def date(self) -> Optional[datetime.date]: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def author(self) -> Optional[str]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def score(self) -> float: ...
    @property
    def similar(self) -> int:
        """Other matching articles that are reprints of this one."""
    @property
    def partial(self) -> bool:
        """It holds only some of the query's words."""
    @property
    def snippets(self) -> list[Snippet]: ...
    @property
    def path(self) -> Optional[str]: ...
    @property
    def person(self) -> list[str]:
        """The people the article names, in simplified characters (``person:``)."""
    @property
    def place(self) -> list[str]:
        """The places the article names (``place:``)."""
    @property
    def org(self) -> list[str]:
        """The organisations the article names (``org:``)."""
    def to_dict(self) -> dict[str, Any]:
        """The keys of ``search --json``, ``date`` a datetime.date."""

class SearchResults:
    """The answer to ``archive.search(...)``; a sequence of its hits."""

    @property
    def query(self) -> str: ...
    @property
    def total(self) -> int:
        """Exact number of matching articles."""
    @property
    def mode(self) -> Literal["all", "relaxed"]: ...
    @property
    def notes(self) -> list[str]: ...
    @property
    def took_ms(self) -> float:
        """Milliseconds the engine spent answering."""
    @property
    def hits(self) -> list[Hit]: ...
    @property
    def facets(self) -> Optional[dict[str, dict[Optional[str], int]]]:
        """With ``facets=True``: ``{"source": {name: count}, "month": {"2022-05": count}}``."""
    def to_dicts(self) -> list[dict[str, Any]]:
        """The hits as dicts with the keys of ``search --json``."""
    def to_dict(self) -> dict[str, Any]:
        """The whole answer as the dict of ``search --json``."""
    def to_pandas(self) -> Any:
        """The hits as a pandas DataFrame (ImportError without pandas)."""
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Hit: ...
    def __iter__(self) -> Iterator[Hit]: ...

class Matches(Iterator[Match]):
    """Every match of a query (``archive.iter_matches(...)``), one at a time."""

    @property
    def total(self) -> int:
        """Matching articles in all: how many this iterator yields."""
    @property
    def notes(self) -> list[str]:
        """How the query was read, as ``SearchResults.notes``."""
    @property
    def fields(self) -> list[str]:
        """The keys of each match's ``to_dict()``, in order."""
    def __len__(self) -> int:
        """Matches not yet yielded."""
    def __iter__(self) -> Matches: ...
    def __next__(self) -> Match: ...

class Article:
    """One article as stored in the archive (``archive.get(id)``)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def subtitle(self) -> Optional[str]: ...
    @property
    def date(self) -> Optional[datetime.date]: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def author(self) -> Optional[str]: ...
    @property
    def editor(self) -> Optional[str]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def body(self) -> str: ...
    @property
    def path(self) -> Optional[str]: ...
    @property
    def raw_title(self) -> Optional[str]:
        """The headline as the input wrote it, before cleaning (``title`` if unchanged)."""
    @property
    def raw_body(self) -> str:
        """The body as the input wrote it, before cleaning (``body`` if unchanged)."""
    @property
    def was_cleaned(self) -> bool:
        """Whether cleaning changed the headline or the body."""
    def to_dict(self) -> dict[str, Any]: ...

class Match(Article):
    """One match of ``iter_matches``: the stored article with its score and snippet."""

    @property
    def score(self) -> float:
        """Relevance (BM25), comparable within one iteration only."""
    @property
    def snippet(self) -> Optional[str]:
        """The best fragment around the query words, when ``fields`` name it."""
    def to_dict(self) -> dict[str, Any]:
        """The row of ``baoku search --export jsonl``: the iteration's ``fields``."""

class Stats:
    """What an archive holds (``baoku stats``)."""

    @property
    def articles(self) -> int: ...
    @property
    def first_date(self) -> Optional[datetime.date]: ...
    @property
    def last_date(self) -> Optional[datetime.date]: ...
    @property
    def undated(self) -> int: ...
    @property
    def sources(self) -> int: ...
    @property
    def top_sources(self) -> dict[str, int]: ...
    @property
    def without_source(self) -> int: ...
    @property
    def near_duplicates(self) -> int: ...
    @property
    def index_bytes(self) -> int: ...
    @property
    def segments(self) -> int: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def analyzer_version(self) -> int: ...
    def to_dict(self) -> dict[str, Any]:
        """The dict of ``baoku stats --json``."""

class Problem:
    """An input or record that could not be read."""

    @property
    def origin(self) -> str: ...
    @property
    def kind(self) -> Literal["unreadable", "malformed", "unsupported", "too_large"]: ...
    @property
    def reason(self) -> str: ...

class IndexReport:
    """What ``archive.index(...)`` did; ``str(report)`` is ``baoku index``'s summary."""

    @property
    def inputs_read(self) -> int: ...
    @property
    def inputs_unchanged(self) -> int: ...
    @property
    def indexed(self) -> int: ...
    @property
    def added(self) -> int: ...
    @property
    def replaced(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def duplicates(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def unsupported(self) -> int: ...
    @property
    def pruned(self) -> int: ...
    @property
    def bytes(self) -> int: ...
    @property
    def text_bytes(self) -> int: ...
    @property
    def commits(self) -> int: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def total_articles(self) -> int: ...
    @property
    def interrupted(self) -> bool: ...
    @property
    def complete(self) -> bool: ...
    @property
    def problems(self) -> list[Problem]: ...
    @property
    def summary(self) -> str: ...
