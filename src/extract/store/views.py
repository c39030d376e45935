"""Views the knowledge base adds for Datasette: facets by year, language and month, the
editions of one year side by side, the members on a map. Created with the schema
(store.ensure_views), so the served database can stay read-only.

Two rules every view keeps:

- A computed column has the type of the values it filters on: an aggregate or a CASE has
  no type in SQLite, so Datasette's facet link (`?synthetic=1`, a text parameter) would
  compare text with an integer and list 0 rows under a facet that counted 7. Such columns
  are CAST to the type of their values.
- Languages are data: the views pairing the editions of one year have one column per
  language folder (`title_fr`, `title_en`, `title_es`, ...), generated from
  `extract.lang.vocab.languages()`; a new folder is new columns, not new code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from extract.lang.vocab import languages


def language_name(language: str) -> str:
    """The language's English name (French, Spanish), from babel's CLDR data; the code
    itself when babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language).get_display_name("en") or language
    except (UnknownLocaleError, ValueError, TypeError):  # a code babel cannot read
        return language


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _per_language(expr: str, langs: Sequence[str]) -> list[str]:
    """`max(CASE WHEN language = 'fr' THEN expr END)` for each language: the value of
    the edition in that language within a group (one edition per language and year)."""
    return [f"max(CASE WHEN language = {_q(lang)} THEN {expr} END)" for lang in langs]


def _editions(langs: Sequence[str]) -> str:
    """The languages of a group's editions, sorted: 'en, fr'."""
    parts = " || ".join(f"CASE WHEN max(language = {_q(lang)}) THEN ', {lang}' ELSE '' END"
                        for lang in sorted(langs))
    return f"substr({parts}, 3)"


def _missing(langs: Sequence[str]) -> str:
    """The names of the languages that have an edition that year (l.has_<lang>) but do
    not print this group's fact: 'French, Spanish', or ''."""
    parts = " || ".join(
        f"CASE WHEN l.has_{lang} AND NOT max(language = {_q(lang)}) "
        f"THEN ', {language_name(lang)}' ELSE '' END" for lang in langs)
    return f"substr({parts}, 3)"


def _has_languages(langs: Sequence[str]) -> str:
    cols = ", ".join(f"max(language = {_q(lang)}) AS has_{lang}" for lang in langs)
    return f"SELECT year, {cols} FROM reports GROUP BY year"


def _side_by_side(langs: Sequence[str], row: str) -> list[str]:
    """Each language's edition of a paired row: its title, report, page and row id
    (`title_fr, report_fr, page_fr, event_fr`), for the views pairing editions."""
    return [f"{title} AS title_{lang}, {report} AS report_{lang}, "
            f"{page} AS page_{lang}, {row_id} AS {row}_{lang}"
            for lang, title, report, page, row_id in zip(
                langs, _per_language("title", langs), _per_language("report_id", langs),
                _per_language("page", langs), _per_language("id", langs))]


def event_facts(langs: Sequence[str]) -> str:
    """One row per event of a year, every edition of that year side by side. The
    editions of one year print the same calendar in another language: an event is the
    n-th event starting on its day, in print order (page, then top). Titles are
    translated, so they pair by day and rank, and what must agree (end date, type,
    gender mark) is compared."""
    cols = _side_by_side(langs, "event")
    missing = _missing(langs)
    return f"""
        WITH e AS (
            SELECT e.*, r.year, r.language, r.synthetic,
                   row_number() OVER (PARTITION BY e.report_id, e.start_date
                                      ORDER BY e.page, e.top, e.id) AS n
            FROM calendar_events e JOIN reports r ON r.id = e.report_id),
        l AS ({_has_languages(langs)})
        SELECT e.year, substr(e.start_date, 6, 2) AS month, e.start_date,
               coalesce({", ".join(_per_language("end_date", langs))}) AS end_date,
               coalesce({", ".join(_per_language("event_type", langs))}, '(none printed)')
                   AS event_type,
               CAST(max(gender_perspective) AS INTEGER) AS gender_perspective,
               coalesce({", ".join(_per_language("location", langs))}) AS location,
               {", ".join(cols)},
               {_editions(langs)} AS editions,
               CAST(max(e.synthetic) AS INTEGER) AS synthetic,
               CASE
                 WHEN {missing} <> '' THEN 'missing from the ' || {missing} || ' edition'
                 WHEN count(DISTINCT end_date) > 1 OR count(DISTINCT ifnull(event_type, '-')) > 1
                      OR count(DISTINCT gender_perspective) > 1
                   THEN 'end date, type or gender mark differ: ' || group_concat(
                        end_date || ' ' || ifnull(event_type, '-') || ' ' || gender_perspective
                        || ' (' || language || ')', ' / ')
               END AS disagreement
        FROM e JOIN l ON l.year = e.year
        GROUP BY e.year, e.start_date, e.n
    """


def publication_facts(langs: Sequence[str]) -> str:
    """One row per publication of a year, its editions side by side: paired by kind and
    link (the same product links to the same page in every language), then by print
    order among the products of that kind and link."""
    cols = _side_by_side(langs, "publication")
    missing = _missing(langs)
    return f"""
        WITH p AS (
            SELECT p.*, r.year, r.language, r.synthetic, ifnull(p.url, '') AS link,
                   row_number() OVER (PARTITION BY p.report_id, p.kind, ifnull(p.url, '')
                                      ORDER BY p.page, p.top, p.id) AS n
            FROM publications p JOIN reports r ON r.id = p.report_id),
        l AS ({_has_languages(langs)})
        SELECT p.year, p.kind, nullif(p.link, '') AS url,
               {", ".join(cols)},
               {_editions(langs)} AS editions,
               CAST(max(p.synthetic) AS INTEGER) AS synthetic,
               CASE WHEN {missing} <> '' THEN 'missing from the ' || {missing} || ' edition'
               END AS disagreement
        FROM p JOIN l ON l.year = p.year
        GROUP BY p.year, p.kind, p.link, p.n
    """


# Each edition's matrix columns and the key they stand for across the editions of their
# year. A column the vocabulary does not know is kept as unknown:<slug of its title>, and
# the French and English editions of a year print the same matrix with titles in their
# language: two unknown keys for one column. The sibling editions say which: the editions
# of one year lay out the same columns in the same order, so a column is the column at
# the same place (its matrix, its rank from the left) in a sibling edition - trusted only
# when both editions have as many columns and every column both know has the same key
# at the same place. `key` is then the sibling's known key, or the smallest of the
# unknown keys standing for that column; otherwise the column's own key.
INDICATOR_COLUMNS = """
    WITH cols AS (
        SELECT i.report_id, r.year, r.language, i.indicator, min(i.page) AS first_page,
               max(i.page) AS last_page, avg((i.x0 + i.x1) / 2) AS x, count(*) AS cells
        FROM member_indicators i JOIN reports r ON r.id = i.report_id
        GROUP BY i.report_id, i.indicator),
    -- a sparse column's first cell may sit on a later page of its matrix: its matrix is
    -- the first page of the columns whose pages cover that page
    starts AS (
        SELECT c.*, (SELECT min(o.first_page) FROM cols o WHERE o.report_id = c.report_id
                     AND c.first_page BETWEEN o.first_page AND o.last_page) AS matrix_page
        FROM cols c),
    pos AS (
        SELECT *, dense_rank() OVER (PARTITION BY report_id ORDER BY matrix_page) AS matrix,
               row_number() OVER (PARTITION BY report_id, matrix_page ORDER BY x) AS position,
               count(*) OVER (PARTITION BY report_id) AS columns
        FROM starts),
    pairs AS (
        SELECT DISTINCT a.report_id AS a, b.report_id AS b FROM pos a JOIN pos b
        ON a.year = b.year AND a.report_id <> b.report_id AND a.columns = b.columns
        WHERE NOT EXISTS (
            SELECT 1 FROM pos x JOIN pos y ON x.matrix = y.matrix AND x.position = y.position
            WHERE x.report_id = a.report_id AND y.report_id = b.report_id
              AND x.indicator NOT LIKE 'unknown:%' AND y.indicator NOT LIKE 'unknown:%'
              AND x.indicator <> y.indicator)),
    siblings AS (
        SELECT p.report_id, p.indicator, o.indicator AS other
        FROM pos p JOIN pairs ON pairs.a = p.report_id
        JOIN pos o ON o.report_id = pairs.b AND o.matrix = p.matrix AND o.position = p.position)
    SELECT p.report_id, p.year, p.language, p.indicator,
           CASE WHEN p.indicator NOT LIKE 'unknown:%' THEN p.indicator
                ELSE coalesce(
                  (SELECT min(other) FROM siblings s WHERE s.report_id = p.report_id
                   AND s.indicator = p.indicator AND other NOT LIKE 'unknown:%'),
                  min(p.indicator, ifnull((SELECT min(other) FROM siblings s
                                           WHERE s.report_id = p.report_id
                                           AND s.indicator = p.indicator), p.indicator)))
           END AS key,
           p.matrix, p.position, p.cells, p.first_page, p.last_page
    FROM pos p
"""


def member_matrix(keys: Sequence[str]) -> str:
    """The wide members matrix: one column per indicator key. A number cell is a number
    (INTEGER when whole), so sorting by a column sorts 12 after 8; `Yes`, L, P and - stay
    text as printed."""
    pivot = ",\n".join(
        f"  MAX(CASE WHEN i.indicator = {_q(k)} THEN CASE WHEN i.value_num IS NOT NULL "
        "AND i.value <> 'Yes' THEN CASE WHEN i.value_num = CAST(i.value_num AS INTEGER) "
        "THEN CAST(i.value_num AS INTEGER) ELSE i.value_num END ELSE i.value END END) "
        f"AS [{k}]" for k in keys) or "  NULL AS no_indicator_yet"
    return f"""
SELECT s.report_id, r.year, r.language, r.synthetic, s.member_id, s.printed_name,
       s.is_board_member, s.is_new_member,
{pivot}
FROM member_status s
JOIN reports r ON r.id = s.report_id
LEFT JOIN member_indicators i ON i.report_id = s.report_id AND i.member_id = s.member_id
GROUP BY s.report_id, s.member_id
"""


def views(langs: Sequence[str] | None = None) -> dict[str, str]:
    langs = list(langs or languages())
    return {
        # Events with the year, language and month of their edition: faceted in Datasette.
        # event_type: most events print no type prefix; they facet as "(none printed)"
        # instead of vanishing from the facet.
        "events": """
            SELECT e.id, e.report_id, r.year, r.language, r.synthetic,
                   substr(e.start_date, 6, 2) AS month,
                   e.start_date, e.end_date,
                   coalesce(e.event_type, '(none printed)') AS event_type,
                   e.title, e.location, e.gender_perspective, e.page, e.x0, e.top, e.x1, e.bottom
            FROM calendar_events e JOIN reports r ON r.id = e.report_id
        """,
        "event_facts": event_facts(langs),
        "publication_facts": publication_facts(langs),
        # Matrix cells with the year and language of their edition, and the key of their
        # column across the editions of the year (indicator_columns).
        "indicator_values": """
            SELECT i.report_id, r.year, r.language, r.synthetic, i.member_id, i.indicator,
                   i.value, i.value_num, i.page, i.x0, i.top, i.x1, i.bottom
            FROM member_indicators i JOIN reports r ON r.id = i.report_id
        """,
        "indicator_columns": INDICATOR_COLUMNS,
        # The cities of the calendar on a map, one row per event and city: `place` says
        # whether the event was held there (the city is named in its printed location)
        # or only named in its title (a webinar about Taipei, an event "held" online). A
        # place chosen under doubt (name_review, confidence low, in that edition) says so.
        "event_map": """
            SELECT e.id AS event_id, e.report_id, r.year, r.language, r.synthetic,
                   e.start_date, e.end_date, e.title, e.location,
                   CASE WHEN e.location IS NOT NULL AND (
                          instr(lower(e.location), lower(c.name)) > 0 OR EXISTS (
                            SELECT 1 FROM city_aliases a WHERE a.city_id = c.id
                            AND instr(lower(e.location), lower(a.alias)) > 0))
                        THEN 'held in' ELSE 'named in the title' END AS place,
                   c.id AS city_id, c.name AS city, c.country_code,
                   CASE WHEN EXISTS (SELECT 1 FROM name_review n WHERE n.report_id = e.report_id
                                     AND n.city_id = c.id AND n.confidence = 'low')
                        THEN 'low' ELSE 'sure' END AS place_confidence,
                   c.latitude, c.longitude,
                   json_object('title', e.start_date || ' ' || e.title,
                               'description', c.name || ', ' || ifnull(c.country_code, '?')
                                 || ' - ' || CASE WHEN e.location IS NOT NULL AND (
                                      instr(lower(e.location), lower(c.name)) > 0 OR EXISTS (
                                        SELECT 1 FROM city_aliases a WHERE a.city_id = c.id
                                        AND instr(lower(e.location), lower(a.alias)) > 0))
                                    THEN 'held in' ELSE 'named in the title' END
                                 || CASE WHEN EXISTS (SELECT 1 FROM name_review n
                                                      WHERE n.report_id = e.report_id
                                                      AND n.city_id = c.id AND n.confidence = 'low')
                                         THEN ' - place uncertain (low confidence)' ELSE '' END
                                 || ' - ' || e.report_id
                                 || CASE WHEN r.synthetic THEN ' (synthetic)' ELSE '' END,
                               'link', '/metropolis/calendar_events/' || e.id) AS popup,
                   e.page
            FROM event_cities ec JOIN calendar_events e ON e.id = ec.event_id
            JOIN reports r ON r.id = e.report_id JOIN cities c ON c.id = ec.city_id
        """,
        # One row per member, placed at its place (no coordinates: listed, not mapped); a
        # region or metropolitan area says so (place_kind, and in the marker's bubble).
        # `popup` is read by datasette-cluster-map for the marker's bubble; a member listed
        # only by made-up editions says so there (synthetic = 1). A place chosen under
        # doubt (name_review: confidence low for a name the member is printed as) is said
        # in place_confidence and in the bubble.
        "member_map": """
            WITH listed AS (
                SELECT s.member_id, group_concat(s.report_id, ', ') AS editions,
                       max(s.is_board_member) AS ever_on_board, min(r.synthetic) AS synthetic
                FROM (SELECT * FROM member_status ORDER BY report_id) s
                JOIN reports r ON r.id = s.report_id GROUP BY s.member_id),
            doubt AS (
                SELECT DISTINCT s.member_id FROM member_status s
                JOIN members m ON m.id = s.member_id
                JOIN name_review n ON n.report_id = s.report_id
                     AND n.name_as_printed = s.printed_name AND n.city_id = m.city_id
                WHERE n.confidence = 'low')
            SELECT m.id AS member_id, m.name, c.name AS city, c.country_code,
                   c.kind AS place_kind,
                   CASE WHEN d.member_id IS NOT NULL THEN 'low' ELSE 'sure' END
                       AS place_confidence,
                   c.latitude, c.longitude, l.editions,
                   CAST(ifnull(l.ever_on_board, 0) AS INTEGER) AS ever_on_board,
                   CAST(ifnull(l.synthetic, 0) AS INTEGER) AS synthetic,
                   json_object('title', m.name || CASE WHEN l.synthetic
                                       THEN ' (listed only by a synthetic edition)' ELSE '' END,
                               'description', ifnull(c.name, '?') || ', '
                                              || ifnull(c.country_code, '?')
                                              || CASE WHEN c.kind IN ('region', 'metropolitan_area')
                                                       THEN ' (' || replace(c.kind, '_', ' ') || ')'
                                                       ELSE '' END
                                              || CASE WHEN d.member_id IS NOT NULL
                                                       THEN ' - place uncertain (low confidence: '
                                                            || 'the name fits several places)'
                                                       ELSE '' END
                                              || ' - ' || ifnull(l.editions, 'no edition'),
                               'link', '/-/member/' || m.id) AS popup
            FROM members m LEFT JOIN cities c ON c.id = m.city_id
            LEFT JOIN listed l ON l.member_id = m.id
            LEFT JOIN doubt d ON d.member_id = m.id
        """,
    }


VIEWS: dict[str, str] = views()


def create_views(execute: Callable[..., Any]) -> None:
    """(Re)create the views: dropped first so a changed definition replaces the old one."""
    for name, sql in views().items():
        execute(f"DROP VIEW IF EXISTS [{name}]")
        execute(f"CREATE VIEW [{name}] AS {sql}")
