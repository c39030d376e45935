"""The rest of the report: the strategic plan (`plan_deliverables`), the budget and its
funding (`budget_lines`, `funding_sources`), the named lists (`member_lists`) and the
leaders' cards (`leaders`), read from every committed specimen of both renderers.

The truth is the data files (`tests/specimens/data/<edition>/plan.yml`, `budget.yml`,
`lists.yml`, `prose.yml`), never the code's output. Each parser is run as the pipeline
runs it: the pre-pass chooses the pages, the layout reads only those, after the members
matrix's names are known to the report's normaliser.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from extract.names.gazetteer import key
from extract.names.normalise import resolver
from extract.pdf.layout import Document
from extract.sections import ReportContext, budget, lists, plan
from tests.specimens.build import build

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "specimens" / "data"
SPECIMENS = {
    "reportlab-2021-fr": ("raw/metropolis-annual-report-2021-fr.pdf", "2021-fr"),
    "reportlab-2021-en": ("raw/metropolis-annual-report-2021-en.pdf", "2021-en"),
    "reportlab-2021-es": ("raw/metropolis-annual-report-2021-es.pdf", "2021-es"),
    "reportlab-2022-fr": ("tests/specimens/synthetic/metropolis-annual-report-2022-fr-synthetic.pdf", "2022-fr"),
    "chromium-2021-fr": ("tests/specimens/chromium/metropolis-annual-report-2021-fr.pdf", "2021-fr"),
    "chromium-2021-en": ("tests/specimens/chromium/metropolis-annual-report-2021-en.pdf", "2021-en"),
    "chromium-2022-fr": ("tests/specimens/chromium/metropolis-annual-report-2022-fr-synthetic.pdf", "2022-fr"),
    "weasyprint-2021-fr": ("tests/specimens/weasyprint/metropolis-annual-report-2021-fr.pdf", "2021-fr"),
    "weasyprint-2022-fr": ("tests/specimens/weasyprint/metropolis-annual-report-2022-fr-synthetic.pdf", "2022-fr"),
}
PARSERS = (budget, plan, lists)
# Failures on these prints, made precise: (test, specimen) -> reason. Strict: each turns
# red the day it passes, to be removed then.
KNOWN: dict[tuple[str, str], str] = {}


def truth(edition: str, name: str) -> dict | None:
    path = DATA / edition / f"{name}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def context(edition: str) -> ReportContext:
    """A report context that knows the edition's matrix names, as after the members parser."""
    ctx = ReportContext(edition, int(edition[:4]), edition[-2:], "specimen.pdf")
    members = truth(edition, "members")
    for matrix in (members or {}).get("matrices", []):
        for row in matrix["rows"]:
            ctx.names.member(" ".join(row["name"]))
    return ctx


def read(pdf: Path, edition: str) -> tuple[dict[str, list[dict]], dict[str, list[dict]], ReportContext]:
    """(tables, checks by parser) of the three parsers on one PDF."""
    ctx = context(edition)
    tables: dict[str, list[dict]] = {}
    states = {}
    with Document(pdf) as doc:
        texts = doc.page_texts
        for parser in PARSERS:
            numbers = parser.select_pages(texts, ctx)
            section = parser.parse(list(doc.pages(numbers)), ctx)
            states[parser] = section
            for table, rows in section.tables.items():
                tables.setdefault(table, []).extend(rows)
    checks = {p.NAME: p.checks(tables, states[p].state, ctx) for p in PARSERS}
    return tables, checks, ctx


@pytest.fixture(scope="module", params=list(SPECIMENS), ids=list(SPECIMENS))
def specimen(request):
    path, edition = SPECIMENS[request.param]
    tables, checks, ctx = read(ROOT / path, edition)
    return edition, tables, checks, ctx


def known(request, test: str) -> None:
    reason = KNOWN.get((test, request.node.callspec.id))
    if reason:
        request.node.add_marker(pytest.mark.xfail(reason=reason, strict=True))


def unhyphen(text: str) -> str:
    return text.replace("-|", "")


# --- the strategic plan -------------------------------------------------------------

def expected_plan(edition: str) -> list[tuple]:
    data = truth(edition, "plan")
    return [(code, line["code"], line["title"], action["code"], unhyphen(action["title"]),
             unhyphen(" ".join(text.split())), status)
            for line in data["lines"] for action in line["actions"]
            for code, text, status in action["deliverables"]]


def test_every_deliverable_with_its_line_action_text_and_status(specimen, request):
    known(request, "plan")
    edition, tables, _, _ = specimen
    got = [(r["code"], r["line"], r["line_title"], r["action"], r["action_title"], r["text"],
            r.get("status")) for r in tables["plan_deliverables"]]
    assert got == expected_plan(edition)


def test_the_real_shape_of_the_plan(specimen):
    """35 deliverables, 33 codes (L3A3D3 and L3A5D1 printed twice), each with a status."""
    _edition, tables, _, ctx = specimen
    rows = tables["plan_deliverables"]
    assert len(rows) == 35 and len({r["code"] for r in rows}) == 33
    assert all(r.get("status") in ("achieved", "not_achieved") for r in rows)
    assert any("L3A3D3" in w and "L3A5D1" in w for w in ctx.warnings)
    assert all(r["page"] and r["x0"] < r["x1"] and r["top"] < r["bottom"] for r in rows)


def test_two_deliverables_achieved_a_year_on():
    achieved = {e: {(c, t) for c, _, _, _, _, t, s in expected_plan(e) if s == "achieved"}
                for e in ("2021-fr", "2022-fr")}
    assert len(achieved["2022-fr"] - achieved["2021-fr"]) == 2
    assert achieved["2021-fr"] <= achieved["2022-fr"]


# --- budget and funding -------------------------------------------------------------

def test_every_budget_line_with_its_programme_and_share(specimen):
    edition, tables, _, _ = specimen
    data = truth(edition, "budget")
    expected = [(b["code"], b["programme"], round(b["share"] / 100, 4)) for b in data["budget"]["lines"]]
    got = [(r["programme_code"], r["programme"], round(r["share"], 4)) for r in tables["budget_lines"]]
    assert got == expected
    assert all(r["x0"] < r["x1"] for r in tables["budget_lines"])


def test_every_funding_source_with_its_label_share_and_agreements(specimen):
    edition, tables, _, _ = specimen
    data = truth(edition, "budget")
    expected = [(s["source"], " ".join(s["lines"]), round(float(s["printed"].rstrip("%")) / 100, 4),
                 s.get("agreements")) for s in data["funding"]["sources"]]
    got = [(r["source"], r["label"], round(r["share"], 4), r.get("agreements")) for r in tables["funding_sources"]]
    assert got == expected


def test_the_real_shape_of_the_budget():
    """The seed's: 15 budget lines and 4 funding sources, each summing to 100 %."""
    data = truth("2021-fr", "budget")
    assert len(data["budget"]["lines"]) == 15 and sum(b["share"] for b in data["budget"]["lines"]) == 100
    assert len(data["funding"]["sources"]) == 4


def test_a_new_programme_and_a_moved_share_a_year_on():
    old, new = ({b["code"]: b["share"] for b in truth(e, "budget")["budget"]["lines"]} for e in ("2021-fr", "2022-fr"))
    assert set(new) - set(old) == {"P022"}
    assert any(old[c] != new[c] for c in old)


# --- named lists and leaders --------------------------------------------------------

def list_pages(edition: str) -> list[dict]:
    pages = [p for p in (truth(edition, "prose") or {}).get("pages", []) if p["kind"] == "list"]
    for page in (truth(edition, "lists") or {}).get("pages", []):
        pages.append({**page, "section": page["list"]})
    return pages


def test_every_list_with_its_names_in_order_and_their_places(specimen):
    edition, tables, _, _ = specimen
    pages = list_pages(edition)
    for page in pages:
        rows = [r for r in tables["member_lists"] if r["list"] == page["section"]]
        assert [r["printed_name"] for r in rows] == [i[0].replace("|", " ") for i in page["items"]]
        places = []
        for r in rows:
            city = resolver().city_by_id(r["city_id"])
            places.append((key(city.name), city.country_code))
        assert places == [(key(i[1]), i[2]) for i in page["items"]], page["section"]
    if not pages:
        assert not [r for r in tables.get("member_lists", []) if r["list"] != "pilot_projects"]


def test_list_names_are_the_matrix_members(specimen):
    """A name printed as the matrix prints it is that member; any member_id is a member."""
    edition, tables, _, ctx = specimen
    members = truth(edition, "members")
    if not members:
        return
    printed = {" ".join(r["name"]): ctx.names.member(" ".join(r["name"]))
               for m in members["matrices"] for r in m["rows"]}
    for row in tables["member_lists"] + tables["leaders"]:
        if row["printed_name"] in printed:
            assert row.get("member_id") == printed[row["printed_name"]], row
        if row.get("member_id"):
            assert row["member_id"] in ctx.names.members


def test_the_real_shape_of_the_lists(specimen):
    """The seed's: 70 metropolitan spaces, 49 members in the gender list."""
    edition, tables, _, _ = specimen
    if edition == "2022-fr":
        return  # the synthetic edition prints no lists
    count = {name: sum(1 for r in tables["member_lists"] if r["list"] == name)
             for name in ("metropolitan_spaces", "gender_mainstreaming")}
    assert count == {"metropolitan_spaces": 70, "gender_mainstreaming": 49}


def test_every_pilot_project_with_the_places_it_names(specimen, request):
    known(request, "projects")
    edition, tables, _, _ = specimen
    pages = [p for p in (truth(edition, "prose") or {}).get("pages", []) if p["kind"] == "projects"]
    rows = [r for r in tables["member_lists"] if r["list"] == "pilot_projects"]
    if not pages:
        assert not rows
        return
    page = pages[0]
    assert sorted({r["item"] for r in rows}) == sorted(p["title"] for p in page["projects"])
    found = set()
    for r in rows:
        city = resolver().city_by_id(r["city_id"])
        found.add((key(city.name), city.country_code))
    assert found == {(key(n), c) for n, c in page["cities"]}


def test_every_leader_with_person_institution_and_title(specimen):
    edition, tables, _, _ = specimen
    pages = [p for p in (truth(edition, "prose") or {}).get("pages", []) if p["kind"] == "leaders"]
    expected = [tuple(card) for p in pages for card in p["leaders"]]
    got = [(r["printed_name"], r["person"], r["institution"], r["title"]) for r in tables["leaders"]]
    assert got == expected
    assert all(r.get("city_id") for r in tables["leaders"])


# --- the checks ---------------------------------------------------------------------

def test_every_check_passes_on_every_specimen(specimen):
    edition, _tables, checks, _ = specimen
    flat = [c for cs in checks.values() for c in cs]
    assert [c for c in flat if not c["passed"]] == []
    names = {c["check"] for c in flat}
    assert {"plan.codes_well_formed", "plan.statuses", "plan.deliverables_numbered",
            "budget.shares_sum", "budget.funding_shares_sum"} <= names
    if edition != "2022-fr":
        assert "lists.metropolitan_spaces" in names


def render(tmp: Path, edition: str, name: str, data: dict) -> Path:
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / edition / "report.yml", folder / "report.yml")
    (folder / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return build(folder, tmp / f"{name}.pdf")


def failed(checks: dict[str, list[dict]]) -> dict[str, str]:
    return {c["check"]: c["detail"] for cs in checks.values() for c in cs if not c["passed"]}


def test_a_deliverable_without_swatch_fails_statuses(tmp_path):
    data = copy.deepcopy(truth("2021-fr", "plan"))
    data["lines"][0]["actions"][0]["deliverables"][1][2] = "none"  # L1A1D2 drawn without swatch
    _, checks, _ = read(render(tmp_path, "2021-fr", "plan", data), "2021-fr")
    assert "L1A1D2" in failed(checks)["plan.statuses"]


def test_a_missing_deliverable_fails_the_numbering(tmp_path):
    data = copy.deepcopy(truth("2021-fr", "plan"))
    del data["lines"][1]["actions"][1]["deliverables"][2]  # L2A2D3
    tables, checks, _ = read(render(tmp_path, "2021-fr", "plan", data), "2021-fr")
    assert len(tables["plan_deliverables"]) == 34
    assert "L2A2: D3 missing" in failed(checks)["plan.deliverables_numbered"]


def test_a_malformed_code_fails_and_a_code_printed_twice_only_warns(tmp_path):
    data = copy.deepcopy(truth("2021-fr", "plan"))
    data["lines"][0]["actions"][0]["deliverables"][0][0] = "L1A1D"
    _, checks, ctx = read(render(tmp_path, "2021-fr", "plan", data), "2021-fr")
    assert "'L1A1D'" in failed(checks)["plan.codes_well_formed"]
    assert "plan.deliverables_numbered" not in failed(checks) or "L1A1" in failed(checks)["plan.deliverables_numbered"]
    assert any("printed more than once" in w for w in ctx.warnings)


def test_a_missing_programme_fails_the_budget_sum(tmp_path):
    data = copy.deepcopy(truth("2021-fr", "budget"))
    data["budget"]["lines"] = [b for b in data["budget"]["lines"] if b["code"] != "P020"]
    tables, checks, _ = read(render(tmp_path, "2021-fr", "budget", data), "2021-fr")
    assert len(tables["budget_lines"]) == 14
    assert "84.0%" in failed(checks)["budget.shares_sum"]


def test_a_missing_funding_source_fails_its_sum(tmp_path):
    data = copy.deepcopy(truth("2021-fr", "budget"))
    data["funding"]["sources"] = data["funding"]["sources"][:3]
    _, checks, _ = read(render(tmp_path, "2021-fr", "budget", data), "2021-fr")
    assert "98.0%" in failed(checks)["budget.funding_shares_sum"]


def test_the_sum_checks_allow_the_printed_rounding_only():
    rows = [{"programme_code": f"P{i:03}", "share": 0.07} for i in range(14)]  # 98 %: 14 lines, ± 7 points
    state = {"budget_pages": [1], "funding_pages": [], "unpaired": []}
    ctx = ReportContext("x", 2021, "fr", "x.pdf")
    assert budget.checks({"budget_lines": rows}, state, ctx)[0]["passed"] == 1
    rows = rows[:13]  # 91 %: one programme lost
    assert budget.checks({"budget_lines": rows}, state, ctx)[0]["passed"] == 0
    state["unpaired"] = [(1, "P099")]  # a code printed without its share
    assert "P099" in budget.checks({"budget_lines": rows}, state, ctx)[0]["detail"]


def test_a_list_shorter_than_its_title_says_fails(tmp_path):
    prose = copy.deepcopy(truth("2021-fr", "prose"))
    page = prose["pages"][0]
    page["items"] = page["items"][:65]
    _tables, checks, _ = read(render(tmp_path, "2021-fr", "prose", {"pages": [page]}), "2021-fr")
    check = next(c for cs in checks.values() for c in cs if c["check"] == "lists.metropolitan_spaces")
    assert (check["expected"], check["actual"], check["passed"]) == ("70", "65", 0)


def test_the_parsers_read_only_their_pages():
    """Performance: the pre-pass chooses few pages (no layout read of the others)."""
    with Document(ROOT / SPECIMENS["reportlab-2021-fr"][0]) as doc:
        texts = doc.page_texts
    ctx = ReportContext("2021-fr", 2021, "fr", "x.pdf")
    assert len(plan.select_pages(texts, ctx)) == 3
    assert len(budget.select_pages(texts, ctx)) == 1
    assert len(lists.select_pages(texts, ctx)) <= 7


# --- the canned queries -------------------------------------------------------------

@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """A database written by the store from the data files of 2021-fr and 2022-fr (the
    rows a perfect read gives), and the canned queries of metadata.yml."""
    import sqlite3

    from extract.kb import sql as kbsql
    from extract.store import writer

    db = writer.connect(tmp_path_factory.mktemp("kb") / "kb.db")
    writer.ensure_schema(db)
    members: set[str] = set()
    for edition in ("2021-fr", "2022-fr"):
        tables: dict[str, list[dict]] = {"members": [], "plan_deliverables": [], "budget_lines": [],
                                         "member_lists": []}
        for code, line, _, action, _, text, status in expected_plan(edition):
            tables["plan_deliverables"].append({"code": code, "line": line, "action": action, "text": text,
                                                "status": status, "page": 1})
        for b in truth(edition, "budget")["budget"]["lines"]:
            tables["budget_lines"].append({"programme_code": b["code"], "programme": b["programme"],
                                           "share": b["share"] / 100, "page": 1})
        for page in list_pages(edition):
            for item in page["items"]:
                name = item[0].replace("|", " ")
                tables["member_lists"].append({"list": page["section"], "printed_name": name,
                                               "member_id": key(item[1]).replace(" ", "-"), "page": 1})
        members |= {r["member_id"] for r in tables["member_lists"]}
        del tables["members"]
        report = {"id": edition, "year": int(edition[:4]), "language": "fr", "title": edition,
                  "source_file": f"{edition}.pdf", "sha256": edition, "page_count": 1,
                  "synthetic": int(edition == "2022-fr")}
        writer.write_report(db, report, tables)
    conn = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    conn.executemany("INSERT OR IGNORE INTO members (id, name) VALUES (?, ?)", [(m, m) for m in members])
    conn.commit()
    kbsql.register(conn)
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["metropolis"]["queries"]

    def run(name: str, **params) -> list[dict]:
        cursor = conn.execute(queries[name]["sql"], params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    return run


def test_budget_change_names_the_new_programme_and_the_moves(kb):
    rows = {r["programme_code"]: r for r in kb("budget_change", from_year="2021", to_year="2022")}
    old, new = ({b["code"]: b["share"] for b in truth(e, "budget")["budget"]["lines"]} for e in ("2021-fr", "2022-fr"))
    assert rows["P022"]["presence"] == "appears" and rows["P022"]["to_share_pct"] == new["P022"]
    assert {c: r["change_points"] for c, r in rows.items() if c in old} == {c: new[c] - old[c] for c in old}
    assert all(r["synthetic"] == 1 for r in rows.values())


def test_budget_change_says_when_a_year_has_no_edition(kb):
    rows = kb("budget_change", from_year="2019", to_year="2022")
    assert [r["note"] for r in rows] == ["No edition of 2019. Years with an edition: 2021, 2022"]


def test_plan_progress_counts_per_line(kb):
    rows = kb("plan_progress")
    for edition in ("2021-fr", "2022-fr"):
        plan_rows = expected_plan(edition)
        for line in ("L1", "L2", "L3"):
            mine = [p for p in plan_rows if p[1] == line]
            achieved = sum(p[6] == "achieved" for p in mine)
            total = next(r for r in rows if r["report_id"] == edition and r["line"] == line and r["code"] == "total")
            assert total["text"] == f"{achieved} achieved, {len(mine) - achieved} not achieved, {len(mine)} deliverables"
        assert len([r for r in rows if r["report_id"] == edition and r["code"] != "total"]) == 35


def test_member_lists_per_member_and_a_note_for_an_edition_without_lists(kb):
    rows = kb("member_lists_per_member", member="")
    assert {r["list"] for r in rows if r["report_id"] == "2021-fr"} == {"metropolitan_spaces", "gender_mainstreaming"}
    assert [r["note"] for r in rows if r["report_id"] == "2022-fr"] == ["No list read in this edition"]
