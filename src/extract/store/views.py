"""Views the knowledge base adds for Datasette: facets by year, language and month, and
the members on a map. Created with the schema (store.ensure_views), so the served
database can stay read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VIEWS: dict[str, str] = {
    # Events with the year, language and month of their edition: faceted in Datasette.
    # event_type: most events print no type prefix; they facet as "(none printed)"
    # instead of vanishing from the facet.
    "events": """
        SELECT e.id, e.report_id, r.year, r.language, r.synthetic,
               substr(e.start_date, 6, 2) AS month,
               e.start_date, e.end_date, coalesce(e.event_type, '(none printed)') AS event_type,
               e.title, e.location, e.gender_perspective, e.page, e.x0, e.top, e.x1, e.bottom
        FROM calendar_events e JOIN reports r ON r.id = e.report_id
    """,
    # One row per event of a year, its French and English editions side by side (other
    # languages stay in `events`). The editions of one year
    # print the same calendar in another language: an event is the n-th event starting
    # on its day, in print order (page, then top). Titles are translated, so they pair
    # by day and rank, and what must agree (end date, type, gender mark) is compared.
    "event_facts": """
        WITH e AS (
            SELECT e.*, r.year, r.language, r.synthetic,
                   row_number() OVER (PARTITION BY e.report_id, e.start_date
                                      ORDER BY e.page, e.top, e.id) AS n
            FROM calendar_events e JOIN reports r ON r.id = e.report_id),
        langs AS (SELECT year, max(language = 'fr') AS has_fr, max(language = 'en') AS has_en
                  FROM reports GROUP BY year),
        k AS (SELECT DISTINCT year, start_date, n FROM e WHERE language IN ('fr', 'en'))
        SELECT k.year, substr(k.start_date, 6, 2) AS month, k.start_date,
               coalesce(f.end_date, g.end_date) AS end_date,
               coalesce(f.event_type, g.event_type, '(none printed)') AS event_type,
               max(ifnull(f.gender_perspective, 0), ifnull(g.gender_perspective, 0))
                   AS gender_perspective,
               f.title AS title_fr, g.title AS title_en,
               coalesce(f.location, g.location) AS location,
               f.report_id AS report_fr, f.page AS page_fr,
               g.report_id AS report_en, g.page AS page_en,
               CASE WHEN f.id IS NOT NULL AND g.id IS NOT NULL THEN 'en, fr'
                    WHEN f.id IS NOT NULL THEN 'fr' ELSE 'en' END AS editions,
               max(ifnull(f.synthetic, 0), ifnull(g.synthetic, 0)) AS synthetic,
               CASE
                 WHEN l.has_fr AND l.has_en AND f.id IS NULL THEN 'missing from the French edition'
                 WHEN l.has_fr AND l.has_en AND g.id IS NULL THEN 'missing from the English edition'
                 WHEN f.id IS NOT NULL AND g.id IS NOT NULL AND (
                      f.end_date IS NOT g.end_date OR f.event_type IS NOT g.event_type
                      OR f.gender_perspective IS NOT g.gender_perspective)
                   THEN 'end date, type or gender mark differ: '
                        || f.end_date || ' ' || ifnull(f.event_type, '-') || ' '
                        || f.gender_perspective || ' (fr) / ' || g.end_date || ' '
                        || ifnull(g.event_type, '-') || ' ' || g.gender_perspective || ' (en)'
               END AS disagreement,
               f.id AS event_fr, g.id AS event_en
        FROM k JOIN langs l ON l.year = k.year
        LEFT JOIN e f ON f.year = k.year AND f.start_date = k.start_date AND f.n = k.n
                     AND f.language = 'fr'
        LEFT JOIN e g ON g.year = k.year AND g.start_date = k.start_date AND g.n = k.n
                     AND g.language = 'en'
    """,
    # One row per publication of a year, its editions side by side: paired by kind and
    # link (the same product links to the same page in both languages), then by print
    # order among the products of that kind and link.
    "publication_facts": """
        WITH p AS (
            SELECT p.*, r.year, r.language, r.synthetic, ifnull(p.url, '') AS link,
                   row_number() OVER (PARTITION BY p.report_id, p.kind, ifnull(p.url, '')
                                      ORDER BY p.page, p.top, p.id) AS n
            FROM publications p JOIN reports r ON r.id = p.report_id),
        langs AS (SELECT year, max(language = 'fr') AS has_fr, max(language = 'en') AS has_en
                  FROM reports GROUP BY year),
        k AS (SELECT DISTINCT year, kind, link, n FROM p WHERE language IN ('fr', 'en'))
        SELECT k.year, k.kind, f.title AS title_fr, g.title AS title_en,
               nullif(k.link, '') AS url, coalesce(f.gender_focus, g.gender_focus) AS gender_focus,
               f.report_id AS report_fr, f.page AS page_fr,
               g.report_id AS report_en, g.page AS page_en,
               CASE WHEN f.id IS NOT NULL AND g.id IS NOT NULL THEN 'en, fr'
                    WHEN f.id IS NOT NULL THEN 'fr' ELSE 'en' END AS editions,
               max(ifnull(f.synthetic, 0), ifnull(g.synthetic, 0)) AS synthetic,
               CASE
                 WHEN l.has_fr AND l.has_en AND f.id IS NULL THEN 'missing from the French edition'
                 WHEN l.has_fr AND l.has_en AND g.id IS NULL THEN 'missing from the English edition'
                 WHEN f.id IS NOT NULL AND g.id IS NOT NULL
                      AND f.gender_focus IS NOT g.gender_focus THEN 'gender mark differs'
               END AS disagreement,
               f.id AS publication_fr, g.id AS publication_en
        FROM k JOIN langs l ON l.year = k.year
        LEFT JOIN p f ON f.year = k.year AND f.kind = k.kind AND f.link = k.link
                     AND f.n = k.n AND f.language = 'fr'
        LEFT JOIN p g ON g.year = k.year AND g.kind = k.kind AND g.link = k.link
                     AND g.n = k.n AND g.language = 'en'
    """,
    # Matrix cells with the year and language of their edition.
    "indicator_values": """
        SELECT i.report_id, r.year, r.language, r.synthetic, i.member_id, i.indicator,
               i.value, i.value_num, i.page, i.x0, i.top, i.x1, i.bottom
        FROM member_indicators i JOIN reports r ON r.id = i.report_id
    """,
    # One row per member, placed at its place (no coordinates: listed, not mapped); a
    # region or metropolitan area says so (place_kind, and in the marker's bubble).
    # `popup` is read by datasette-cluster-map for the marker's bubble; a member listed
    # only by made-up editions says so there (synthetic = 1).
    "member_map": """
        WITH listed AS (
            SELECT s.member_id, group_concat(s.report_id, ', ') AS editions,
                   max(s.is_board_member) AS ever_on_board, min(r.synthetic) AS synthetic
            FROM (SELECT * FROM member_status ORDER BY report_id) s
            JOIN reports r ON r.id = s.report_id GROUP BY s.member_id)
        SELECT m.id AS member_id, m.name, c.name AS city, c.country_code,
               c.kind AS place_kind, c.latitude, c.longitude, l.editions, l.ever_on_board,
               ifnull(l.synthetic, 0) AS synthetic,
               json_object('title', m.name || CASE WHEN l.synthetic
                                   THEN ' (listed only by a synthetic edition)' ELSE '' END,
                           'description', ifnull(c.name, '?') || ', ' || ifnull(c.country_code, '?')
                                          || CASE WHEN c.kind IN ('region', 'metropolitan_area')
                                                   THEN ' (' || replace(c.kind, '_', ' ') || ')'
                                                   ELSE '' END
                                          || ' - ' || ifnull(l.editions, 'no edition'),
                           'link', '/-/member/' || m.id) AS popup
        FROM members m LEFT JOIN cities c ON c.id = m.city_id
        LEFT JOIN listed l ON l.member_id = m.id
    """,
}


def create_views(execute: Callable[..., Any]) -> None:
    """(Re)create the views: dropped first so a changed definition replaces the old one."""
    for name, sql in VIEWS.items():
        execute(f"DROP VIEW IF EXISTS [{name}]")
        execute(f"CREATE VIEW [{name}] AS {sql}")
