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


def answer(db: Path, year: int | str) -> list[tuple]:
    """The query's rows: (note, fact, subject, attribute, value_fr, value_en, synthetic)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(QUERY, {"year": str(year)}).fetchall()
    finally:
        conn.close()


def cross_edition(db: Path, year: int) -> set[tuple]:
    """The facts on which the editions differ: (fact, subject, attribute, value_fr,
    value_en); the rows with a note (they agree, an edition is missing) are not facts."""
    return {tuple(r[1:6]) for r in answer(db, year) if r[0] is None}


FACTS = ["member", "matrix cell", "key figure", "events starting", "publication link",
         "city mention"]


@pytest.mark.parametrize("fact", FACTS)
def test_french_and_english_2021_agree(tmp_path_factory, fact):
    rows = cross_edition(knowledge_base(tmp_path_factory), 2021)
    assert {r[0] for r in rows} <= set(FACTS)
    assert sorted(r for r in rows if r[0] == fact) == []


def test_no_pair_no_rows(tmp_path_factory):
    db = knowledge_base(tmp_path_factory)
    assert cross_edition(db, 1999) == set()
    # but a row says why: no false "they agree"
    notes = [r[0] for r in answer(db, 1999)]
    assert len(notes) == 1 and "No edition of 1999" in notes[0]
    notes = [r[0] for r in answer(db, 2022)]  # the synthetic 2022 is French only
    assert len(notes) == 1 and "English edition of 2022 is missing" in notes[0]


def test_agreeing_editions_say_so(tmp_path_factory):
    rows = answer(knowledge_base(tmp_path_factory), 2021)
    assert len(rows) == 1 and rows[0][0].startswith("The French and English editions of 2021 agree")


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
