"""Usable by everyone (issue 16), the parts that need no browser: the text size remembered on
the account and audited, the document's language and text size on ``<html>``, the page
registry the browser scan walks, one number format for KPI cards, and grade colours that
stay apart for colour-blind readers."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import accounts, ui
from portal.access import Actor
from portal.enums import TextSize
from portal.errors import Invalid
from portal.models import AuditEvent, User
from portal.theme import GRADE_COLOURS, GRADE_PATTERNS, STATUS
from tests import factories
from tests.web import callback, login, response_props

SIZES = ["standard", "large", "extra_large"]


def _actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalars(select(User).where(User.username == username)).one())


def test_text_size_is_remembered_on_the_account_and_audited(session):
    factories.city(session)
    actor = _actor(session, "cadre")
    assert accounts.set_text_size(session, actor, "extra_large") == TextSize.EXTRA_LARGE
    session.flush()
    assert session.get(User, actor.user_id).text_size == TextSize.EXTRA_LARGE
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.text_size")).one()
    assert event.summary == {"text_size": ["standard", "extra_large"]}


def test_an_unknown_text_size_is_refused_and_nothing_changes(session):
    factories.city(session)
    actor = _actor(session, "cadre")
    with pytest.raises(Invalid) as refused:
        accounts.set_text_size(session, actor, "huge")
    assert refused.value.field == "text_size"
    assert session.get(User, actor.user_id).text_size == TextSize.STANDARD
    assert (
        session.scalars(select(AuditEvent).where(AuditEvent.action == "user.text_size")).first()
        is None
    )


def test_the_header_switch_saves_the_size_and_the_next_page_is_served_with_it(app, client, session):
    factories.city(session)
    login(client, "reviewer")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" data-text-size="standard">' in page
    response = callback(client,
                        [("ui-document", "data")] + [(f"text-size-{s}",
                                                      "aria-pressed") for s in SIZES],
                        [(f"text-size-{s}", "n_clicks",
                          1 if s == "large" else None) for s in SIZES],
                        triggered=["text-size-large.n_clicks"])
    assert response.status_code == 200
    props = response_props(response)
    assert props["ui-document"]["data"] == {"lang": "en", "textSize": "large"}
    assert [props[f"text-size-{s}"]["aria-pressed"] for s in SIZES] == ["false", "true", "false"]
    session.expire_all()
    assert (
        session.scalar(select(User.text_size).where(User.username == "reviewer")) == TextSize.LARGE
    )
    token = client.get_cookie("_csrf_token").value
    client.post("/lang", data={"lang": "zh", "next": "/", "csrf_token": token})
    assert '<html lang="zh-CN" data-text-size="large">' in client.get("/").get_data(as_text=True)


def test_the_switch_cannot_be_used_without_logging_in(app, client, session):
    factories.city(session)
    response = callback(client,
                        [("ui-document", "data")] + [(f"text-size-{s}",
                                                      "aria-pressed") for s in SIZES],
                        [(f"text-size-{s}", "n_clicks",
                          1 if s == "large" else None) for s in SIZES],
                        triggered=["text-size-large.n_clicks"], headers={})
    assert response.status_code in (400, 401, 403)


def test_the_scan_list_holds_every_page_a_role_may_open_and_no_other(app, session):
    factories.city(session)
    reviewer = [p["path"] for p in ui.pages_for(_actor(session, "reviewer"))]
    admin = [p["path"] for p in ui.pages_for(_actor(session, "admin"))]
    cadre = [p["path"] for p in ui.pages_for(_actor(session, "cadre"))]
    assert "/assessment/scores" in reviewer and "/admin/users" not in reviewer
    assert "/admin/units" in admin and "/accountability/case" not in admin  # no case narratives
    assert "/my/training" in cadre and "/assessment" not in cadre
    assert reviewer == sorted(reviewer)


def test_kpi_numbers_have_thousands_separators_and_text_is_left_alone():
    assert ui.fmt_kpi(1602) == "1,602"
    assert ui.fmt_kpi(12345.67) == "12,345.7"
    assert ui.fmt_kpi("3 / 12") == "3 / 12"
    assert ui.fmt_kpi(True) is True


def test_a_chart_comes_with_a_summary_and_a_table_one_click_away():
    figure = ui.graph("some-chart", height=300, summary="Scores by district.")
    caption = figure.children[1]
    assert figure.className == "portal-chart" and figure.children[0].id == "some-chart"
    assert caption.children[0].children == "Scores by district."
    details = caption.children[2]
    assert details.children[0].children == "Data as a table"


# Colour-vision deficiency simulation (Machado, Oliveira and Fernandes 2009, severity 1.0),
# applied in linear RGB; distance in CIELAB (ΔE76). The former palette fell to 15 (protanopia).
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(1.0, max(0.0, c)) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _seen(hex_colour: str, matrix=None) -> tuple[float, float, float]:
    rgb = _linear(hex_colour)
    if matrix:
        rgb = [sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix]
    return _lab(rgb)


@pytest.mark.parametrize("vision", [None, *CVD])
@pytest.mark.parametrize("palette",
                         [GRADE_COLOURS,
                          [STATUS["ok"], STATUS["warn"], STATUS["bad"], STATUS["info"]]],
                         ids=["grades", "statuses"])
def test_grade_and_status_colours_stay_apart_for_colour_blind_readers(palette, vision):
    seen = [_seen(colour, CVD.get(vision)) for colour in palette]
    for (i, a), (j, b) in itertools.combinations(enumerate(seen), 2):
        distance = sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5
        assert distance >= 20, (
            f"{palette[i]} and {palette[j]} look alike ({distance:.1f}) with {vision or 'normal vision'}"  # noqa: E501
        )


def test_grades_also_differ_by_pattern():
    assert len(set(GRADE_PATTERNS)) == len(GRADE_COLOURS)


def test_every_chart_goes_through_the_one_accessible_chart_helper():
    root = Path(__file__).resolve().parents[2]
    direct = [
        str(path.relative_to(root))
        for package in ("portal", "assessment", "cadres", "accountability")
        for path in (root / package).rglob("*.py")
        if "dcc.Graph(" in path.read_text(encoding="utf-8") and path != root / "portal" / "ui.py"
    ]
    assert not direct, (
        f"use portal.ui.graph (summary and data table) instead of dcc.Graph in {direct}"
    )
