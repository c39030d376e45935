"""Views the knowledge base adds for Datasette: facets by year, language and month, and
the members on a map. Created with the schema (store.ensure_views), so the served
database can stay read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VIEWS: dict[str, str] = {
    # Events with the year, language and month of their edition: faceted in Datasette.
    "events": """
        SELECT e.id, e.report_id, r.year, r.language, substr(e.start_date, 6, 2) AS month,
               e.start_date, e.end_date, e.event_type, e.title, e.location,
               e.gender_perspective, e.page, e.x0, e.top, e.x1, e.bottom
        FROM calendar_events e JOIN reports r ON r.id = e.report_id
    """,
    # Matrix cells with the year and language of their edition.
    "indicator_values": """
        SELECT i.report_id, r.year, r.language, i.member_id, i.indicator, i.value,
               i.value_num, i.page, i.x0, i.top, i.x1, i.bottom
        FROM member_indicators i JOIN reports r ON r.id = i.report_id
    """,
    # One row per member, placed at its place (no coordinates: listed, not mapped); a
    # region or metropolitan area says so (place_kind, and in the marker's bubble).
    # `popup` is read by datasette-cluster-map for the marker's bubble.
    "member_map": """
        SELECT m.id AS member_id, m.name, c.name AS city, c.country_code,
               c.kind AS place_kind, c.latitude, c.longitude,
               (SELECT group_concat(report_id, ', ') FROM
                   (SELECT report_id FROM member_status s WHERE s.member_id = m.id
                    ORDER BY report_id)) AS editions,
               (SELECT max(is_board_member) FROM member_status s
                WHERE s.member_id = m.id) AS ever_on_board,
               json_object('title', m.name,
                           'description', ifnull(c.name, '?') || ', ' || ifnull(c.country_code, '?')
                               || CASE WHEN c.kind IN ('region', 'metropolitan_area')
                                       THEN ' (' || replace(c.kind, '_', ' ') || ')' ELSE '' END,
                           'link', 'member_profile?member=' || m.id) AS popup
        FROM members m LEFT JOIN cities c ON c.id = m.city_id
    """,
}


def create_views(execute: Callable[..., Any]) -> None:
    """(Re)create the views: dropped first so a changed definition replaces the old one."""
    for name, sql in VIEWS.items():
        execute(f"DROP VIEW IF EXISTS [{name}]")
        execute(f"CREATE VIEW [{name}] AS {sql}")
