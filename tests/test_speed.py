"""What keeps an ingest fast stays true: no heavy library is built for a word list."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from extract.lang import vocab
from tests.conftest import ROOT


@pytest.mark.parametrize("language", vocab.LANGUAGES)
def test_stop_words_are_spacys(language):
    """The stop words shipped as vocabulary data are spaCy's lists of that language
    (copied so that an ingest need not build spaCy's language class to read them)."""
    module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    shipped = vocab.load(language).get("stop_words", {}).get("words")
    assert shipped, f"vocab/{language}/stop_words.yml: no words"
    assert sorted(shipped) == sorted(module.STOP_WORDS), (
        f"vocab/{language}/stop_words.yml differs from spaCy's spacy/lang/{language}/stop_words.py")


def test_titles_need_no_spacy_language_class_nor_scipy():
    """Reading matrix column titles (stop words included) imports no spaCy language, and
    scipy only when columns compete (not for titles that each name their own key)."""
    code = (
        "import sys\n"
        "from extract.sections.members import titles\n"
        "titles.tokens('Nombre de cas publiés sur la plateforme', 'fr')\n"
        "titles.read_columns(['Awards received'], 'en')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('spacy.lang.', 'scipy'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_assignment_shortcut_is_scipys_optimum():
    """The column assignment without scipy (every row at its own strict maximum) is the
    assignment scipy finds, on grids shaped like a matrix's (rows x keys + one unknown each)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from extract.sections.members.titles import _assignment

    rng = np.random.default_rng(25)
    shortcuts = 0
    for _ in range(2000):
        rows, keys = int(rng.integers(1, 8)), int(rng.integers(0, 10))
        grid = np.zeros((rows, keys + rows))
        grid[:, :keys] = np.round(rng.random((rows, keys)) * (rng.random((rows, keys)) < 0.3), 2)
        grid[np.arange(rows), keys + np.arange(rows)] = 0.5
        got = _assignment(grid)
        want = linear_sum_assignment(grid, maximize=True)
        assert grid[got].sum() == pytest.approx(grid[want].sum())
        if len(set(grid.argmax(axis=1).tolist())) == rows:
            shortcuts += 1
        assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist(), grid
    assert shortcuts > 100  # the shortcut was taken, not only the fallback
