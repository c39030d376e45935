"""docs/settings.md documents every setting of `extract.toolkit.settings` with its type,
default and reason, and names none that does not exist (as docs/schema.md is checked
against a fresh database). The page is the module's own output:
`python -m extract.toolkit.settings > docs/settings.md`."""

from __future__ import annotations

import dataclasses
import re

import pytest

from extract.toolkit import settings
from tests.conftest import ROOT

DOC = ROOT / "docs" / "settings.md"
REGENERATE = "regenerate it: python -m extract.toolkit.settings > docs/settings.md"


def documented() -> dict[str, tuple[str, str]]:
    """{`stage.field`: (type, default)} from the `| \\`stage.field\\` | type | \\`default\\` |` rows."""
    rows = re.findall(r"^\| `(\w+\.\w+)` \| (\w+) \| `([^`]*)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    return {name: (kind, default) for name, kind, default in rows}


def actual() -> dict[str, tuple[str, str]]:
    return {f"{stage}.{f.name}": (settings.type_name(f), repr(f.default))
            for stage, value in settings.STAGES.items() for f in dataclasses.fields(value)}


def test_every_setting_is_documented_and_nothing_else():
    doc, real = documented(), actual()
    problems = [f"setting {name} is not in docs/settings.md" for name in sorted(real.keys() - doc.keys())]
    problems += [f"docs/settings.md names {name}, which is no setting" for name in sorted(doc.keys() - real.keys())]
    problems += [f"{name}: docs/settings.md says {doc[name]}, the code {real[name]} (type, default)"
                 for name in sorted(real.keys() & doc.keys()) if doc[name] != real[name]]
    assert not problems, "\n".join(problems) + f"\n{REGENERATE}"


def test_the_page_is_the_module_output():
    """Reasons too: the page is regenerated, never edited by hand."""
    assert DOC.read_text(encoding="utf-8") == settings.markdown(), REGENERATE


def test_every_setting_gives_a_reason():
    missing = [f"{stage}.{f.name}" for stage, value in settings.STAGES.items()
               for f in dataclasses.fields(value) if len(f.metadata.get("why", "").split()) < 3]
    assert missing == []


def test_a_setting_of_the_wrong_type_or_sign_is_refused_naming_it():
    with pytest.raises(TypeError, match=r"LayoutSettings\.y_tolerance"):
        settings.LayoutSettings(y_tolerance="2")
    with pytest.raises(TypeError, match=r"MatrixSettings\.max_name_lines"):
        settings.MatrixSettings(max_name_lines=4.0)  # a count is an int
    with pytest.raises(ValueError, match=r"NameSettings\.fuzzy_threshold"):
        settings.NameSettings(fuzzy_threshold=-1.0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        settings.LayoutSettings(y_tolerence=2.0)  # a misspelt field


def test_a_stage_reads_its_settings_when_it_runs():
    """Swapping a stage's instance changes the reading (the way a bench sweeps a knob)."""
    from extract.toolkit import geometry
    from extract.toolkit.geometry import Word

    words = [Word("a", 0, 0, 10, 10), Word("b", 0, 1.6, 10, 11.6)]  # middles 1.6 pt apart, size 10
    assert len(geometry.group_lines(words)) == 1  # within 0.35 em
    saved = geometry.GEOMETRY
    try:
        geometry.GEOMETRY = dataclasses.replace(saved, line_tolerance_ratio=0.1)
        assert len(geometry.group_lines(words)) == 2
    finally:
        geometry.GEOMETRY = saved


def test_the_name_indexes_on_disk_are_keyed_by_the_name_settings(monkeypatch):
    """The gazetteer index and the resolver's tables are cut by NAMES (populations,
    lengths): other values must build other cache entries, never read a stale one."""
    from extract.names import gazetteer

    before = gazetteer.stamp.__wrapped__()  # (cached per process: computed afresh here)
    monkeypatch.setattr(gazetteer, "NAMES", dataclasses.replace(gazetteer.NAMES, fuzzy_min_population=1))
    assert gazetteer.stamp.__wrapped__() != before
