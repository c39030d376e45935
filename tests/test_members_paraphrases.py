"""Matrices whose column titles no vocabulary lists: read by meaning, settled by a decision.

The specimen's members and cells (`data/<edition>/members.yml`) are drawn again under
titles from the labelled sets (`tests/data/column_titles_<lang>.csv`), which are not
in the vocabulary's `headers:`; every cell must come back under its indicator.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from extract.pipeline.run import extract_report
from extract.sections import members
from extract.sections.members import titles
from tests.conftest import DATA, run_cli
from tests.specimens.build import build
from tests.specimens.render_members import wrap_into
from tests.test_column_titles import labelled
from tests.test_members import KEYS, member_id

# Which paraphrase of each indicator to print (a different designer for each column).
PICK = 3


def paraphrases(language: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for title, key in labelled(language):
        out.setdefault(key, []).append(title)
    return {key: found[(PICK + i) % len(found)]
            for i, (key, found) in enumerate(sorted(out.items())) if key != "unknown"}


def edition(tmp_path: Path, language: str, titles_of: dict[str, str]) -> tuple[Path, dict]:
    """The specimen's front matter and matrix, the matrix under other titles."""
    folder = tmp_path / language
    folder.mkdir()
    shutil.copy(DATA / f"2021-{language}" / "report.yml", folder / "report.yml")
    data = yaml.safe_load((DATA / f"2021-{language}" / "members.yml").read_text(encoding="utf-8"))
    for matrix in data["matrices"]:
        matrix["headers"] = [wrap_into(titles_of[key], 3) for key in KEYS[matrix["id"]]]
    (folder / "members.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return build(folder, folder / f"paraphrased-{language}.pdf"), data


def expected_cells(data: dict) -> dict[tuple[str, str], str]:
    out = {}
    for matrix in data["matrices"]:
        for row in matrix["rows"]:
            for index, value in row["cells"].items():
                # SCHEMA.md: a yes-mark of any language (`Sí`, `Oui`) is stored as `Yes`
                out[(member_id(row["name"]), KEYS[matrix["id"]][int(index)])] = members.read_mark(str(value))[0]
    return out


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_a_matrix_of_paraphrased_titles_keeps_every_cell_under_its_key(tmp_path, language):
    chosen = paraphrases(language)
    known = {titles.fold_title(t) for entries in titles.known_titles().values() for _, t in entries}
    assert not {titles.fold_title(t) for t in chosen.values()} & known
    pdf, data = edition(tmp_path, language, chosen)
    extraction = extract_report(pdf)
    tables = extraction.tables
    got = {(r["member_id"], r["indicator"]): r["value"] for r in tables["member_indicators"]}
    assert got == expected_cells(data)
    assert len(tables["member_status"]) == 143
    assert not [w for w in extraction.warnings if "column header" in w], extraction.warnings
    check = next(c for c in tables["checks"] if c["check"] == "members.columns_known")
    assert check["passed"] == 1 and check["actual"] == "0"
    assert not [r for r in tables["column_review"] if not r["key"] or r["key"].startswith("unknown:")]


def test_a_decision_line_settles_an_unknown_column_on_reingest(tmp_path):
    """Through the CLI: unknown, listed with its line, failing check; the archivist adds
    the line to decisions.yml beside the database; re-ingesting puts the cells under it."""
    title = "Villes rencontrées en personne"  # bilateral meetings, in words no notion has
    chosen = {key: fr for key, (fr, *_rest) in _printed_fr().items()}
    chosen["bilateral_meetings"] = title
    pdf, data = edition(tmp_path, "fr", chosen)
    db = tmp_path / "db" / "kb.db"
    result = run_cli("ingest", pdf, "--db", db)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    slug_key = f"unknown:{titles.slug(title)}"
    review = [dict(r) for r in conn.execute("SELECT * FROM column_review")]
    assert [(r["printed_title"], r["key"], r["reason"]) for r in review] == [(title, slug_key, "weak")]
    check = conn.execute("SELECT * FROM checks WHERE [check] = 'members.columns_known'").fetchone()
    assert check["passed"] == 0 and check["detail"] == title
    bilateral = sum(1 for cells in _rows(data, "engagement") if 2 in cells)
    count = "SELECT count(*) FROM member_indicators WHERE indicator = ?"
    assert conn.execute(count, [slug_key]).fetchone()[0] == bilateral > 0
    assert conn.execute(count, ["bilateral_meetings"]).fetchone()[0] == 0
    conn.close()
    # `extract review` lists it with a line to add (its best guess, for the archivist to check)
    listed = run_cli("review", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert f'"{title}": ' in listed.stdout and "unknown:" not in listed.stdout.split(f'"{title}": ')[1].split()[0]
    assert "nothing kept" in listed.stdout

    # The archivist: the listed line (its suggestion replaced by the right key), once.
    line = titles.review_line(title, "bilateral_meetings")
    (db.parent / "decisions.yml").write_text(f"columns:\n{line}\n", encoding="utf-8")
    result = run_cli("ingest", pdf, "--db", db)  # a changed decisions file re-reads the PDF
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    assert conn.execute(count, ["bilateral_meetings"]).fetchone()[0] == bilateral
    assert conn.execute(count, [slug_key]).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM column_review").fetchone()[0] == 0
    check = conn.execute("SELECT * FROM checks WHERE [check] = 'members.columns_known'").fetchone()
    assert check["passed"] == 1
    conn.close()


def _printed_fr() -> dict[str, tuple[str, ...]]:
    """Key -> the 2021 French specimen's own title of it."""
    data = yaml.safe_load((DATA / "2021-fr" / "members.yml").read_text(encoding="utf-8"))
    return {key: (" ".join(lines),) for matrix in data["matrices"]
            for key, lines in zip(KEYS[matrix["id"]], matrix["headers"])}


def _rows(data: dict, matrix_id: str) -> list[dict]:
    return [{int(i): v for i, v in row["cells"].items()}
            for matrix in data["matrices"] if matrix["id"] == matrix_id for row in matrix["rows"]]


def test_prose_after_the_matrix_naming_its_indicators_is_not_a_matrix_page():
    """The English specimen's key-figures page after the matrix says "World Metropolitan
    Day", "organised", "active": the indicators of the matrix, in sentences; only pages
    that repeat the header's lines continue a matrix."""
    from extract.pdf.layout import Document
    from extract.sections import ReportContext, members
    from tests.conftest import RAW

    path = RAW / "metropolis-annual-report-2021-en.pdf"
    data = yaml.safe_load((DATA / "2021-en" / "members.yml").read_text(encoding="utf-8"))
    with Document(path) as doc:
        numbers = members.select_pages(doc.page_texts, ReportContext("2021-en", 2021, "en", path.name))
    assert len(numbers) == sum(-(-len(m["rows"]) // data["rows_per_page"]) for m in data["matrices"])
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
