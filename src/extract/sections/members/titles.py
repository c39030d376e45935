"""Matrix column titles read by meaning: any wording, any order, decided once by an archivist.

Another producer words the titles of the members matrix its own way ("# of news items
on metropolis.org" for "Nouvelles publiées sur le site web de Metropolis"), so a title
is not compared with known spellings but read for the notions it names:

1. **Notions as data.** `vocab/<lang>/members.yml` lists, per indicator, the notions a
   title of it must name (`need`: news; Board *and* meeting) and may name (`also`:
   website, published), each notion with its variants (fee | dues | quota), and may list
   what it is `never` (World Cities Day is not World Metropolitan Day). Words are
   stemmed with the language's Snowball stemmer (PyStemmer), stop words (spaCy's list)
   and generic words ("Number of", "member") are dropped.
2. **Evidence, weighted.** A word is weighted by how specific it is to one indicator
   (IDF over the vocabulary: "bilateral" names one indicator, "participation" five; a
   word no indicator knows weighs as much as the most specific one). A title's score for
   an indicator is the weight of its words the indicator's notions explain, over the
   weight of all its words, and 0 unless every `need` notion is named. So "Participation
   in regional meetings" explains nothing specific and maps nowhere, and "Social media
   mentions" is mostly unexplained.
3. **First the title, then the cells.** A title that names one indicator and no other
   is that indicator whatever its cells hold: one producer prints bilateral meetings as
   `Yes`, another as counts. Only between indicators a title leaves open do the cells
   decide (a column of `Yes` is not a count column, a column of `L`/`P` is the
   pilot-project role): an indicator whose kinds of cells (`cell_kinds`) the column
   contradicts is ruled out, unless it contradicts them all. The cells' kind is
   recorded; a kind never seen for the key it went to is a warning, not a veto.
4. **All columns at once.** The columns of one matrix take their keys by an optimal
   assignment (`scipy.optimize.linear_sum_assignment`): two columns never take one key.
5. **Never a guess.** A title whose best score is weak (< `TITLES.min_score`), or within
   `TITLES.margin` of a second free indicator, stays `unknown:<slug>` and is listed for review.
6. **The archivist decides once.** A `columns:` line in the archive's decisions file
   (`extract.names.decisions`) settles a title before anything else.

Everything here is pure: vocabulary in, readings out.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

import numpy as np
import Stemmer

from extract.lang import vocab
from extract.toolkit.settings import TITLES
from extract.toolkit.text import slug

SECTION = "members"
YEAR = re.compile(r"\b(?:19|20)\d\d\b|\{year\}")
TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
ACRONYM = "^"  # prefix of an acronym's atom: USE the platform is not "use"


def review_line(printed_title: str, key: str) -> str:
    """The line that settles a column title, under `columns:` in decisions.yml.

    >>> print(review_line("Cities met in person", "bilateral_meetings"))
      "Cities met in person": bilateral_meetings
    """
    return f"  {json.dumps(printed_title, ensure_ascii=False)}: {key}"


# --- the vocabulary as a model ----------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """One language's notions, compiled: atoms (stems, `^ACRONYM`s) and their weights."""

    language: str
    needs: Mapping[str, tuple[tuple[frozenset[str], ...], ...]]  # key -> notions -> terms
    alsos: Mapping[str, tuple[tuple[frozenset[str], ...], ...]]
    weights: Mapping[str, float]  # atom -> IDF weight
    top_weight: float  # the weight of a word no indicator knows
    known: Mapping[str, str]  # folded known title -> key
    # key -> terms naming something else that shares its words (Día Mundial de las Ciudades)
    nevers: Mapping[str, tuple[frozenset[str], ...]] = field(default_factory=dict)


def _voc(language: str) -> dict[str, Any]:
    return vocab.section(SECTION, language)


def languages() -> tuple[str, ...]:
    """Languages whose vocabulary has notions."""
    return tuple(lang for lang in vocab.LANGUAGES if _voc(lang).get("notions"))


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_voc(language).get("stemmer") or "porter")


@cache
def _stop_words(language: str) -> frozenset[str]:
    """The language's stop words (spaCy's lists, shipped as `vocab/<lang>/stop_words.yml`:
    building spaCy's language class to read them cost a third of an ingest) and the
    vocabulary's generic words."""
    stop = vocab.load(language).get("stop_words", {}).get("words") or []
    generic = [str(w) for w in _voc(language).get("generic_words") or []]
    # spaCy's list holds words that name an indicator here (Spanish `día`: Día Mundial)
    content = {vocab.fold(str(w)) for w in _voc(language).get("content_words") or []}
    return frozenset(vocab.fold(w) for w in [*stop, *generic]) - content


@lru_cache(maxsize=1 << 14)
def tokens(text: str, language: str) -> tuple[tuple[str, ...], ...]:
    """The content words of a title, each as the atoms it can match.

    Years, numbers, one-letter words (`(L)`, elided `d’`), stop words and generic
    words go; each word is lower-cased, stemmed, then folded (accents off). A word
    printed in capitals in a title that is not all capitals is also an acronym.

    >>> tokens("Number of cases published on the USE platform in 2021", "en")
    (('case',), ('publish',), ('^use', 'use'), ('platform',))
    """
    text = YEAR.sub(" ", text)
    words = TOKEN.findall(text)
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    stop = _stop_words(language)
    out = []
    for raw in _split_compounds(words, stop):
        if len(raw) < 2 or raw.isdigit():
            continue
        folded = vocab.fold(raw)
        if folded in stop and (shouting or not raw.isupper()):
            continue
        atoms = [ACRONYM + folded] if raw.isupper() else []
        if folded not in stop:
            atoms.append(vocab.fold(_stemmer(language).stemWord(raw.lower())))
        out.append(tuple(atoms))
    return tuple(out)


def _split_compounds(words: list[str], stop: frozenset[str]) -> list[str]:
    """Hyphenated words as their parts (capacity-building), unless every part is a stop
    word or a letter: then the compound is the word (one-to-one, face-to-face, a-t-il)."""
    out = []
    for word in words:
        parts = word.split("-")
        if len(parts) > 1 and all(len(p) < 2 or vocab.fold(p) in stop for p in parts):
            out.append(word)
        else:
            out.extend(parts)
    return out


def _term(text: str, language: str) -> frozenset[str]:
    """A vocabulary term as the atoms a title must hold; an acronym term only its `^atom`."""
    text = text.strip()
    if text.isupper() and " " not in text:
        return frozenset({ACRONYM + vocab.fold(text)})
    return frozenset(a[-1] for a in tokens(text, language))


def _notions(entries: Iterable[str], language: str) -> tuple[tuple[frozenset[str], ...], ...]:
    out = []
    for entry in entries:
        terms = tuple(t for t in (_term(part, language) for part in str(entry).split("|")) if t)
        if terms:
            out.append(terms)
    return tuple(out)


def known_titles() -> dict[str, tuple[tuple[str, str], ...]]:
    """Key -> (language, title) of every title the vocabularies list under `headers:`."""
    out: dict[str, list[tuple[str, str]]] = {}
    for lang in vocab.LANGUAGES:
        for key, titles in (_voc(lang).get("headers") or {}).items():
            out.setdefault(key, []).extend((lang, t) for t in titles)
    return {key: tuple(v) for key, v in out.items()}


def fold_title(title: str) -> str:
    """A title folded for the exact-match shortcut: no year, accents, case or punctuation.

    >>> fold_title("Paiement du quota 2021") == fold_title("Paiement du “quota” {year}")
    True
    """
    return " ".join(re.sub(r"[^\w&]+", " ", YEAR.sub(" ", vocab.fold(title))).split())


@cache
def model(language: str, without: frozenset[str] = frozenset()) -> Model:
    """The compiled notions of one language; `without`: folded known titles left out
    (the leave-one-out evaluation removes a title and its near-duplicates)."""
    notions = _voc(language).get("notions") or {}
    needs = {key: _notions(spec.get("need") or [], language) for key, spec in notions.items()}
    alsos = {key: _notions(spec.get("also") or [], language) for key, spec in notions.items()}
    known: dict[str, str] = {}
    for key, titles in known_titles().items():
        for lang, title in titles:
            folded = fold_title(title)
            if folded in without:
                continue
            known.setdefault(folded, key)
            if lang == language:
                # A known title's words are evidence for its key, one notion each.
                extra = tuple(tuple(frozenset({a}) for a in word) for word in tokens(title, language))
                alsos[key] = alsos.get(key, ()) + extra
                needs.setdefault(key, ())
    df: Counter[str] = Counter()
    for key, need in needs.items():
        atoms = {a for notions_ in (need, alsos.get(key, ())) for terms in notions_
                 for term in terms for a in term}
        df.update(atoms)
    n = max(len(needs), 1)
    weights = {atom: math.log(1 + n / count) for atom, count in df.items()}
    nevers = {key: tuple(t for notion in _notions(spec.get("never") or [], language) for t in notion)
              for key, spec in notions.items()}
    return Model(language, needs, alsos, weights, math.log(1 + n), known, nevers)


# --- scoring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A title against one indicator: its score, the title words the indicator's `need`
    notions name, and all the title words its notions explain (indices into `tokens`)."""

    score: float
    need_words: frozenset[int] = frozenset()
    explained: frozenset[int] = frozenset()


def scores(title: str, m: Model) -> dict[str, float]:
    """The title's score (0..1) for every indicator of the model.

    >>> s = scores("Members analysed by the Metropolitan Indicators System", model("en"))
    >>> max(s, key=s.get), round(s["mis_analysed"], 2)
    ('mis_analysed', 1.0)
    >>> max(scores("Participation in regional meetings", model("en")).values()) < TITLES.min_score
    True
    """
    return {key: e.score for key, e in evidence(title, m).items()}


def evidence(title: str, m: Model) -> dict[str, Evidence]:
    """What the title says for every indicator of the model (see `scores`)."""
    if fold_title(title) in m.known:
        key = m.known[fold_title(title)]
        return {k: Evidence(float(k == key)) for k in m.needs}
    words = tokens(title, m.language)
    if not words:
        return {k: Evidence(0.0) for k in m.needs}
    atoms = {a for w in words for a in w}

    def weight(word: tuple[str, ...]) -> float:
        known = [m.weights[a] for a in word if a in m.weights]
        return max(known) if known else m.top_weight

    def claimed(terms: Iterable[frozenset[str]]) -> frozenset[int]:
        terms = list(terms)
        return frozenset(i for i, w in enumerate(words) for t in terms if t.intersection(w))

    out = {}
    for key, need in m.needs.items():
        terms_need = _matching(atoms, need)
        if (len({n for n, _ in terms_need}) < len(need) or not need and not m.alsos.get(key)
                or any(t <= atoms for t in m.nevers.get(key, ()))):
            out[key] = Evidence(0.0)
            continue
        terms = [t for _, t in terms_need + _matching(atoms, m.alsos.get(key, ()))]
        out[key] = Evidence(_coverage(words, terms, weight), claimed(t for _, t in terms_need),
                            claimed(terms))
    return out


def _matching(atoms: set[str], notions: Sequence[tuple[frozenset[str], ...]]) -> list[tuple[int, frozenset[str]]]:
    """(notion index, term) of every term whose atoms are all in the title."""
    return [(n, t) for n, terms in enumerate(notions) for t in terms if t <= atoms]


def _coverage(words: Sequence[tuple[str, ...]], terms: Sequence[frozenset[str]], weight) -> float:
    """The share of the title's weight that the terms explain.

    A term of several words is one unit of meaning ("general assembly"), weighed as its
    most specific word: otherwise a two-word name would outweigh any word beside it
    ("Votes at the General Assembly" is about votes). Longer terms claim words first.
    """
    claimed: set[int] = set()
    covered = total = 0.0
    for term in sorted(set(terms), key=len, reverse=True):
        own = [i for i, w in enumerate(words) if i not in claimed and term.intersection(w)]
        if own:
            claimed.update(own)
            unit = max(weight(words[i]) for i in own)
            covered += unit
            total += unit
    total += sum(weight(w) for i, w in enumerate(words) if i not in claimed)
    return covered / total if total else 0.0


def indicators_named(text: str, language: str) -> set[str]:
    """Indicators whose every `need` notion the text names (a page, read as one bag of words)."""
    out = set()
    for lang in [language] if language in languages() else languages():
        m = model(lang)
        atoms = {a for w in tokens(text, lang) for a in w}
        for key, need in m.needs.items():
            if need and len({n for n, _ in _matching(atoms, need)}) == len(need):
                out.add(key)
    return out


@lru_cache(maxsize=1 << 14)
def is_title_word(word: str) -> bool:
    """A word some indicator's notions or known titles use (3+ letters): what header
    lines are made of.

    >>> is_title_word("bilatérales"), is_title_word("dues"), is_title_word("Barcelona")
    (True, True, False)
    """
    if len(word) < 3 or not any(c.isalpha() for c in word):
        return False
    for lang in languages():
        atoms = model(lang).weights
        if any(a in atoms for t in tokens(word, lang) for a in t):
            return True
    return False


# --- what the cells say -----------------------------------------------------------------

ROLE = re.compile(r"[LP](?:\s*[&/,+]\s*[LP])*")
NONE = {"", "-", "–", "—", "n/a", "na"}


@cache
def _yes_words() -> frozenset[str]:
    return frozenset(vocab.fold(str(w)) for w in vocab.section(SECTION).get("yes_words") or [])


def cell_kind(value: str) -> str | None:
    """What a cell says of its column: `yes`, `flag` (0/1: yes or count), `count`, `role`,
    None (blank, `-`, or something else).

    >>> [cell_kind(v) for v in ["Yes", "Oui", "1", "12", "L & P", "-", "?"]]
    ['yes', 'yes', 'flag', 'count', 'role', None, None]
    """
    text = value.strip()
    if vocab.fold(text) in NONE:
        return None
    if vocab.fold(text) in _yes_words():
        return "yes"
    if ROLE.fullmatch(text):
        return "role"
    number = text.replace("\u202f", "").replace("\xa0", "").replace(",", ".")
    try:
        as_float = float(number)
    except ValueError:
        return None
    return "flag" if as_float in (0.0, 1.0) else "count"


ACCEPTS = {"yes": {"yes", "flag"}, "count": {"count", "flag"}, "role": {"role"}}


@cache
def cell_kinds() -> dict[str, tuple[str, ...]]:
    """Indicator key -> the kinds of cells seen for it (`yes`, `count`, `role`), from the
    vocabulary (one kind, or a list when producers print it more than one way)."""
    raw = vocab.section(SECTION).get("cell_kinds") or {}
    return {k: tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in raw.items()}


def contradicted(key: str, values: Iterable[str]) -> bool:
    """The column's cells are not of a kind seen for the indicator (a share of them).

    >>> contradicted("news_published", ["Yes", "Yes", "-"]), contradicted("activated", ["Yes"])
    (True, False)
    """
    accepts = set().union(*(ACCEPTS.get(k, set()) for k in cell_kinds().get(key, ())))
    kinds = [k for k in map(cell_kind, values) if k]
    if not accepts or not kinds:
        return False
    wrong = sum(k not in accepts for k in kinds)
    return wrong > 0 and wrong >= TITLES.veto_share * len(kinds)


def column_kind(values: Iterable[str]) -> str | None:
    """The kind most of a column's cells are (`flag` only when every cell is 0 or 1).

    >>> column_kind(["Yes", "-", "Yes", "1"]), column_kind(["0", "1"]), column_kind(["-"])
    ('yes', 'flag', None)
    """
    kinds = Counter(k for k in map(cell_kind, values) if k)
    definite = Counter({k: n for k, n in kinds.items() if k != "flag"})
    if definite:
        return definite.most_common(1)[0][0]
    return "flag" if kinds else None


# --- reading the columns of one matrix --------------------------------------------------


@dataclass
class Reading:
    """How one printed title was read."""

    title: str
    key: str  # the indicator key, or `unknown:<slug>`
    score: float  # the score of the best candidate
    candidate: str | None  # the best-scoring indicator (the key when mapped)
    runner_up: str | None  # the next indicator
    runner_up_score: float
    reason: str | None  # None: sure; else why it is listed for review
    cell_kind: str | None = None  # what most of its cells are (`column_kind`)
    # its cells are of a kind never seen for its key: kept, but said (not a veto)
    unexpected_cells: bool = False

    @property
    def known(self) -> bool:
        return not self.key.startswith("unknown:")

    @property
    def needs_review(self) -> bool:
        return self.reason not in (None, "decided")


def _models(language: str, without: frozenset[str]) -> list[Model]:
    langs = [language] if language in languages() else list(languages())
    return [model(lang, without) for lang in langs]


def title_scores(title: str, language: str, without: frozenset[str] = frozenset()) -> dict[str, float]:
    """Scores of a title for every indicator (the best over the languages tried)."""
    return {k: e.score for k, e in title_evidence(title, language, without).items()}


def title_evidence(title: str, language: str, without: frozenset[str] = frozenset()) -> dict[str, Evidence]:
    """The evidence of a title for every indicator, from the language that explains it best."""
    best: dict[str, Evidence] = {}
    for m in _models(language, without):
        found = evidence(title, m)
        if not best or max(e.score for e in found.values()) > max(e.score for e in best.values()):
            best = found
    return best


def read_columns(titles: Sequence[str], language: str, cells: Sequence[Sequence[str]] | None = None,
                 decided: Mapping[str, str] | None = None,
                 without: frozenset[str] = frozenset()) -> list[Reading]:
    """The reading of every column title of one matrix, all at once.

    `cells[i]` are the values printed under title i (they vote); `decided` maps a title
    to the key an archivist gave it (`Decisions.column`), which wins over everything.

    >>> [r.key for r in read_columns(["Dues paid", "# of news items on metropolis.org"], "en")]
    ['fee_paid', 'news_published']
    >>> [r.key for r in read_columns(["Awards received"], "en")]
    ['unknown:awards-received']
    """
    cells = cells or [[] for _ in titles]
    decided = decided or {}
    readings: list[Reading | None] = [None] * len(titles)
    taken: set[str] = set()
    for i, title in enumerate(titles):
        if decided.get(title):
            readings[i] = Reading(title, decided[title], 1.0, decided[title], None, 0.0, "decided")
            taken.add(decided[title])
    open_ = [i for i in range(len(titles)) if readings[i] is None]
    found = {i: title_evidence(titles[i], language, without) for i in open_}
    table = {i: {k: e.score for k, e in found[i].items()} for i in open_}
    vetoed = {i: _vetoed(found[i], cells[i]) for i in open_}
    keys = sorted({k for i in open_ for k in table[i]} - taken)
    if open_ and keys:
        # Columns x (keys + one "unknown" per column worth TITLES.min_score): maximise the total.
        grid = np.zeros((len(open_), len(keys) + len(open_)))
        for r, i in enumerate(open_):
            for c, k in enumerate(keys):
                # (a hair less for each later column: of two equal titles, the first wins)
                grid[r, c] = 0.0 if k in vetoed[i] else table[i][k] - 1e-9 * r
            grid[r, len(keys) + r] = TITLES.min_score - 1e-9
        rows, cols = _assignment(grid)
        assigned = {open_[r]: keys[c] for r, c in zip(rows, cols) if c < len(keys)}
    else:
        assigned = {}
    for i in open_:
        others = taken | {k for j, k in assigned.items() if j != i}
        readings[i] = _judge(titles[i], found[i], vetoed[i], assigned.get(i), others)
    return [_with_cells(r, cells[i]) for i, r in enumerate(readings) if r is not None]


def _vetoed(found: Mapping[str, Evidence], values: Sequence[str]) -> set[str]:
    """The indicators the cells rule out: only among those the title names (a score),
    only when it names more than one, and never all of them (then the title stands and
    the cells are a warning)."""
    named = {k for k, e in found.items() if e.score > 0}
    contra = {k for k in named if contradicted(k, values)}
    return contra if len(named) > 1 and named - contra else set()


def _with_cells(reading: Reading, values: Sequence[str]) -> Reading:
    """The reading with its cells' kind, and whether that kind is new for its key."""
    kind = column_kind(values)
    unexpected = reading.known and contradicted(reading.key, values)
    if unexpected and reading.reason is None:
        reading = replace(reading, reason="unexpected cells")
    return replace(reading, cell_kind=kind, unexpected_cells=unexpected)


def _assignment(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of the assignment of greatest total (each row one column).

    When every row's greatest value is in a column of its own and strictly above the
    rest of its row, that choice is the one optimum (each row at its maximum), so
    scipy (half a second to import) is only needed when rows compete for a column.

    >>> _assignment(np.array([[3.0, 1.0], [1.0, 2.0]]))
    (array([0, 1]), array([0, 1]))
    >>> [c.tolist() for c in _assignment(np.array([[3.0, 2.5], [3.0, 1.0]]))]
    [[0, 1], [1, 0]]
    """
    best = grid.argmax(axis=1)
    top = grid[np.arange(len(grid)), best]
    runner_up = np.partition(grid, -2, axis=1)[:, -2] if grid.shape[1] > 1 else top - 1
    if len(set(best.tolist())) == len(best) and bool((top > runner_up).all()):
        return np.arange(len(grid)), best
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(grid, maximize=True)


def _judge(title: str, found: dict[str, Evidence], vetoed: set[str], key: str | None,
           others: set[str]) -> Reading:
    """The reading of one title given its assigned key (None: none) and the keys the
    other columns of its matrix hold."""
    table = {k: e.score for k, e in found.items()}
    ranked = sorted(table, key=lambda k: (-table[k], k))
    best = ranked[0] if ranked and table[ranked[0]] > 0 else None
    if key is not None:
        free = [k for k in ranked if k != key and k not in others and k not in vetoed]
        second = free[0] if free else None
        second_score = table[second] if second else 0.0
        score = table[key]
        if score - second_score <= TITLES.margin:
            return Reading(title, f"unknown:{slug(title)}", score, key, second, second_score, "ambiguous")
        # A free indicator whose distinctive notions the title names and the chosen one
        # does not explain ("Board meetings and trainings attended"): two meanings.
        rival = next((k for k in free if found[k].score > 0
                      and not found[k].need_words <= found[key].explained), None)
        if rival:
            return Reading(title, f"unknown:{slug(title)}", score, key, rival, table[rival], "ambiguous")
        reason = "low confidence" if score < TITLES.sure_score else None
        return Reading(title, key, score, key, second, second_score, reason)
    runner = next((k for k in ranked if k != best), None)
    score = table[best] if best else 0.0
    if best is None or score < TITLES.min_score:
        reason = "weak"
    elif best in vetoed:
        reason = "cells"
    elif best in others:
        reason = "taken"
    else:
        reason = "weak"
    return Reading(title, f"unknown:{slug(title)}", score, best, runner,
                   table[runner] if runner else 0.0, reason)
