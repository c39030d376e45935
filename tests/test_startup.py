"""Start-up cost: the on-disk index cache gives the same gazetteer and resolver as a
fresh build, and skipping an unchanged file loads none of the extractor."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from extract.names import gazetteer, normalise
from extract.toolkit import diskcache
from tests.conftest import ROOT, SPECIMEN_2021_FR, run_cli


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("METROPOLIS_KB_CACHE", raising=False)
    return tmp_path / "metropolis-kb"


def test_a_value_is_built_once_then_read_back(cache_home):
    calls = []

    def build():
        calls.append(1)
        return {"a": (1, 2)}

    assert diskcache.cached("thing", "k1", build) == {"a": (1, 2)}
    assert diskcache.cached("thing", "k1", build) == {"a": (1, 2)}
    assert len(calls) == 1
    assert [p.name for p in cache_home.iterdir()] == ["thing-k1.pickle"]


def test_a_new_key_rebuilds_and_only_recent_entries_stay(cache_home):
    for i in range(diskcache.KEEP + 2):
        assert diskcache.cached("thing", f"k{i}", lambda i=i: i) == i
        os.utime(cache_home / f"thing-k{i}.pickle", (1e9 + i, 1e9 + i))  # coarse clocks
    kept = sorted(p.name for p in cache_home.iterdir())
    assert kept == [f"thing-k{i}.pickle" for i in range(2, diskcache.KEEP + 2)]
    diskcache.cached("other", "k", lambda: 0)  # other names are left alone
    assert len(list(cache_home.iterdir())) == diskcache.KEEP + 1


def test_a_damaged_file_is_rebuilt_and_replaced(cache_home):
    diskcache.cached("thing", "k", lambda: [1, 2, 3])
    path = cache_home / "thing-k.pickle"
    path.write_bytes(path.read_bytes()[:5])
    assert diskcache.cached("thing", "k", lambda: [4]) == [4]
    assert pickle.loads(path.read_bytes()) == [4]


def test_no_cache_when_turned_off_or_unwritable(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("METROPOLIS_KB_CACHE", "0")
    assert diskcache.cached("thing", "k", lambda: 5) == 5
    assert not (tmp_path / "metropolis-kb").exists()
    monkeypatch.delenv("METROPOLIS_KB_CACHE")
    (tmp_path / "metropolis-kb").write_text("a file where the folder should be")
    assert diskcache.cached("thing", "k", lambda: 6) == 6


def _fill(calls: list):
    def build(db):
        calls.append(1)
        db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [("a", 1), ("b", 2)])
    return build


def test_a_sqlite_file_is_built_once_then_queried_on_disk(cache_home):
    calls: list = []
    path = diskcache.cached_sqlite("thing", "k1", _fill(calls))
    assert diskcache.cached_sqlite("thing", "k1", _fill(calls)) == path
    assert len(calls) == 1 and [p.name for p in cache_home.iterdir()] == ["thing-k1.sqlite"]
    table = diskcache.SqliteDict(diskcache.SqliteReader(path), "t", "k", "v")
    assert dict(table) == {"a": 1, "b": 2} and table.get("c") is None and len(table) == 2
    assert pickle.loads(pickle.dumps(table))["b"] == 2  # a reader pickles as its path


def test_a_damaged_or_foreign_sqlite_file_is_rebuilt(cache_home):
    calls: list = []
    path = diskcache.cached_sqlite("thing", "k", _fill(calls))
    path.write_bytes(path.read_bytes()[:100])  # truncated
    assert diskcache.cached_sqlite("thing", "k", _fill(calls)) == path and len(calls) == 2
    path.write_text("not SQLite")
    assert diskcache.cached_sqlite("thing", "k", _fill(calls)) == path and len(calls) == 3
    table = diskcache.SqliteDict(diskcache.SqliteReader(path), "t", "k", "v")
    assert dict(table) == {"a": 1, "b": 2}


def test_a_sqlite_file_without_a_cache_is_private_and_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("METROPOLIS_KB_CACHE", "0")
    path = diskcache.cached_sqlite("thing", "k", _fill([]))
    assert not (tmp_path / "metropolis-kb").exists() and path.is_file()
    assert dict(diskcache.SqliteDict(diskcache.SqliteReader(path), "t", "k", "v")) == {"a": 1, "b": 2}
    monkeypatch.delenv("METROPOLIS_KB_CACHE")
    (tmp_path / "metropolis-kb").write_text("a file where the folder should be")
    path = diskcache.cached_sqlite("thing", "k", _fill([]))
    assert path.parent != tmp_path / "metropolis-kb" and path.is_file()


def test_a_sqlite_reader_reopens_after_a_fork(cache_home):
    """A connection inherited through fork is never used (SQLite forbids it)."""
    path = diskcache.cached_sqlite("thing", "k", _fill([]))
    reader = diskcache.SqliteReader(path)
    assert reader.query("SELECT v FROM t WHERE k = 'a'") == [(1,)]
    pid = os.fork()
    if pid == 0:  # the child: a fresh connection, the right answer, then out
        ok = reader.query("SELECT v FROM t WHERE k = 'b'") == [(2,)] and reader._pid == os.getpid()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_stamp_changes_with_any_input():
    assert diskcache.stamp([b"a", "b"]) == diskcache.stamp([b"a", "b"])
    assert diskcache.stamp([b"a", "b"]) != diskcache.stamp([b"ab"])
    assert diskcache.stamp([b"a"]) != diskcache.stamp([b"b"])


def test_cached_gazetteer_and_resolver_equal_a_fresh_build(cache_home):
    fresh = gazetteer._build()
    gazetteer.load.cache_clear()
    normalise.resolver.cache_clear()
    try:
        built = gazetteer.load()  # cold: builds and writes the cache
        gazetteer.load.cache_clear()
        read = gazetteer.load()  # warm: the SQLite file written by the cold one
        assert sorted(p.name.split("-")[0] for p in cache_home.iterdir()) == ["gazetteer"]
        for gaz in (built, read):
            assert (gaz.places, gaz.by_key, gaz.fuzzy_keys, gaz.countries,
                    gaz.by_first_word) == fresh
        cached = normalise.resolver()
        computed = normalise.Resolver(normalise.load_aliases(), read)
        assert cached.place_tables() == computed.place_tables()
        assert cached.resolve("Barcelone", "ES").city == computed.resolve("Barcelone", "ES").city
    finally:  # the other tests keep the process-wide (default cache) instances
        gazetteer.load.cache_clear()
        normalise.resolver.cache_clear()


HEAVY = ("pdfplumber", "pypdfium2", "numpy", "sqlite_utils", "rich", "extract.pipeline.run",
         "extract.store.writer", "extract.sections", "extract.names.gazetteer")


def test_skipping_an_unchanged_file_loads_none_of_the_extractor(ingested_db):
    code = (
        "import sys\n"
        "from extract.cli import main\n"
        "try:\n"
        f"    main(['ingest', {str(SPECIMEN_2021_FR)!r}, '--db', {str(ingested_db)!r}])\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"2021-fr: {SPECIMEN_2021_FR} unchanged, skipped"
    assert lines[1] == "exit 0"
    assert lines[2] == "[]"


def test_an_unchanged_file_next_to_a_missing_one_still_reports_both(ingested_db, tmp_path):
    result = run_cli("ingest", SPECIMEN_2021_FR, tmp_path / "gone.pdf", "--db", ingested_db)
    assert result.returncode == 1
    assert f"2021-fr: {SPECIMEN_2021_FR} unchanged, skipped" in result.stdout
    assert f"{tmp_path / 'gone.pdf'}: no such file" in result.stderr
