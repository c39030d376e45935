"""The cross-edition canned query: the French and English editions of one year state the
same facts, so it lists nothing for the 2021 pair; facts planted in an altered copy of
the English edition come out, and nothing else does.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.kb_server import ROOT, knowledge_base, specimen_editions
from tests.specimens.build import DATA, build, load_edition

QUERY = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))[
    "databases"]["metropolis"]["queries"]["cross_edition_check"]["sql"]

def test_both_2021_specimens_are_committed():
    assert {"2021-fr", "2021-en"} <= set(specimen_editions())


def answer(db: Path, year: int | str, languages: str = "") -> list[tuple]:
    """The query's rows: (note, fact, subject, attribute, edition_a, value_a, edition_b,
    value_b, synthetic)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(QUERY, {"year": str(year), "languages": languages}).fetchall()
    finally:
        conn.close()


def cross_edition(db: Path, year: int, a: str = "fr", b: str = "en") -> set[tuple]:
    """The facts on which the editions in languages a and b differ: (fact, subject,
    attribute, value_a, value_b); the rows with a note (they agree, an edition is
    missing) are not facts."""
    out = set()
    for note, fact, subject, attribute, ed_a, val_a, ed_b, val_b, _ in answer(
            db, year, f"{a},{b}"):
        if note is None:
            values = {ed_a: val_a, ed_b: val_b}
            out.add((fact, subject, attribute, values[f"{year}-{a}"], values[f"{year}-{b}"]))
    return out


FACTS = ["member", "matrix cell", "key figure", "events starting", "publication link",
         "city mention"]


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("other", ["en", "es"])
def test_the_editions_of_2021_agree(tmp_path_factory, fact, other):
    """The French edition against the English and the Spanish one: every language with a
    folder pairs (a Spanish yes-mark `Sí` is the same fact as `Yes`)."""
    rows = cross_edition(knowledge_base(tmp_path_factory), 2021, "fr", other)
    assert {r[0] for r in rows} <= set(FACTS)
    assert sorted(r for r in rows if r[0] == fact) == []


def test_no_pair_no_rows(tmp_path_factory):
    db = knowledge_base(tmp_path_factory)
    assert cross_edition(db, 1999) == set()
    # but a row says why: no false "they agree"
    notes = [r[0] for r in answer(db, 1999)]
    assert len(notes) == 1 and "No edition of 1999" in notes[0]
    notes = [r[0] for r in answer(db, 2022)]  # the synthetic 2022 is French only
    assert len(notes) == 1 and "Only one edition of 2022" in notes[0] and "2022-fr" in notes[0]


def test_agreeing_editions_say_so(tmp_path_factory):
    """Every two editions of the year: one row per pair saying they agree."""
    editions = sorted(e for e in specimen_editions() if e.startswith("2021-"))
    rows = answer(knowledge_base(tmp_path_factory), 2021)
    pairs = {(a, b) for i, a in enumerate(editions) for b in editions[i + 1:]}
    assert {(r[4], r[6]) for r in rows} == pairs and len(rows) == len(pairs)
    assert all(r[0].startswith(f"The editions {r[4]} and {r[6]} agree") for r in rows)


def plant(data: dict) -> tuple[dict, set[tuple]]:
    """Alter facts of the English data; return it and the rows the query must list."""
    data = copy.deepcopy(data)
    planted: set[tuple] = set()
    # a matrix cell: Brussels' news count (first matrix, first column) one higher
    matrix = data["members"]["matrices"][0]
    row = next(r for r in matrix["rows"] if r["name"] == ["Brussels"])
    before = row["cells"][0]
    row["cells"][0] = str(int(before) + 1)
    planted.add(("matrix cell", "brussels", "news_published", before, row["cells"][0]))
    # the Board seat: Brussels no longer printed in red (in both matrices)
    for m in data["members"]["matrices"]:
        for r in m["rows"]:
            if r["name"] == ["Brussels"]:
                r["board"] = False
    planted.add(("member", "brussels", "listed", "board=1, new=0", "board=0, new=0"))
    # an event one day later: a one-day event alone on its day, no type prefix
    events = data["calendar"]["events"]
    starts = [(e["month"], e["day"]) for e in events]
    event = next(e for e in events if "prefix" not in e and "end_day" not in e
                 and "end_month" not in e and not e.get("gender")
                 and starts.count((e["month"], e["day"])) == 1
                 and (e["month"], e["day"] + 1) not in starts and e["day"] < 28)
    old = f"2021-{event['month']:02d}-{event['day']:02d}"
    event["day"] += 1
    new = f"2021-{event['month']:02d}-{event['day']:02d}"
    planted.add(("events starting", old, "end/type/gender", f"{old} - 0", None))
    planted.add(("events starting", new, "end/type/gender", None, f"{new} - 0"))
    # a publication link
    group = next(g for g in data["publications"]["groups"] if g["kind"] == "publication")
    item = group["items"][3]
    old_url, item["url"] = item["url"], item["url"] + "0"
    planted.add(("publication link", old_url, "publication", "1", None))
    planted.add(("publication link", item["url"], "publication", None, "1"))
    # a city left out of a pilot project's sentence (Madrid stays in the list of spaces)
    project = next(p for page in data["prose"]["pages"] if page["kind"] == "projects"
                   for p in page["projects"] if "and Madrid" in p["text"])
    project["text"] = project["text"].replace("and Madrid", "and the region")
    planted.add(("city mention", "madrid", "pilot_projects", "mentioned", None))
    return data, planted


def test_planted_differences_are_listed(tmp_path, tmp_path_factory):
    baseline = cross_edition(knowledge_base(tmp_path_factory), 2021)
    folder = tmp_path / "2021-en-altered"
    shutil.copytree(DATA / "2021-en", folder)
    altered, planted = plant(load_edition(folder))
    for name in ("members", "calendar", "publications", "prose"):
        (folder / f"{name}.yml").write_text(
            yaml.safe_dump(altered[name], allow_unicode=True, sort_keys=False), encoding="utf-8")
    pdf = build(folder, tmp_path / "metropolis-annual-report-2021-en.pdf")
    db = tmp_path / "metropolis.db"
    result = subprocess.run(
        [sys.executable, "-m", "extract", "ingest", str(specimen_editions()["2021-fr"]), str(pdf),
         "--db", str(db)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    # whatever the baseline pair disagrees on (nothing, when extraction is right) stays;
    # the planted facts are added, and nothing else
    assert cross_edition(db, 2021) - baseline == planted


UNKNOWN_TITLES = {"fr": ["Participation", "aux laboratoires", "urbains"],
                  "en": ["Participation", "in urban", "laboratories"]}


def with_unknown_column(folder: Path, language: str, cells: dict[str, str]) -> None:
    """Add to the second matrix of a data folder a column no vocabulary knows (its title
    in that language), with `cells` {printed name: value}; keep only the members
    section (and the report's cover) to print fast."""
    data = load_edition(folder)
    matrix = data["members"]["matrices"][1]
    index = len(matrix["headers"])
    matrix["headers"].append(UNKNOWN_TITLES[language])
    for row in matrix["rows"]:
        name = " ".join(row["name"])
        if name in cells:
            row.setdefault("cells", {})[index] = cells[name]
    for path in folder.glob("*.yml"):
        if path.stem not in ("report", "members"):
            path.unlink()
    (folder / "members.yml").write_text(
        yaml.safe_dump(data["members"], allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_column_no_vocabulary_knows_is_one_column_in_both_languages(tmp_path):
    """The French and English editions print the same new column, titled in their
    language: two unknown:<slug> keys. Compared by the column (its place in the sibling
    editions' matrices), the same values are no disagreement; a value that does differ
    is listed once, under one key."""
    cells = {"Abidjan": "Yes", "Accra": "Yes", "Amman": "Yes", "Bamako": "Yes"}
    pdfs = []
    for language in ("fr", "en"):
        folder = tmp_path / f"2021-{language}"
        shutil.copytree(DATA / f"2021-{language}", folder)
        planted = dict(cells, Bamako="-") if language == "en" else cells
        with_unknown_column(folder, language, planted)
        pdfs.append(build(folder, tmp_path / f"metropolis-annual-report-2021-{language}.pdf"))
    db = tmp_path / "metropolis.db"
    result = subprocess.run(
        [sys.executable, "-m", "extract", "ingest", *map(str, pdfs), "--db", str(db)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    unknown = conn.execute("SELECT report_id, indicator, key FROM indicator_columns "
                           "WHERE indicator LIKE 'unknown:%' ORDER BY report_id").fetchall()
    conn.close()
    # each edition kept its own unknown key, and both stand for one column
    assert len(unknown) == 2 and unknown[0][1] != unknown[1][1]
    assert unknown[0][2] == unknown[1][2]
    rows = {r for r in cross_edition(db, 2021) if r[0] == "matrix cell"}
    assert rows == {("matrix cell", "bamako", unknown[0][2], "Yes", "-")}
