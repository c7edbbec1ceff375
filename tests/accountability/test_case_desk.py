"""The case desk reads its figures, board and table in the database (accountability.case_desk):
every number and every row is the one the straightforward path (``cases.case_rows``, all
cases as objects, sorted in Python) gives, for each filter and scope."""

from __future__ import annotations

from datetime import date

import pytest

from accountability import case_desk, cases
from accountability.enums import UNDER_INVESTIGATION_STAGES, CaseStage
from portal import crypto
from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied
from tests import factories
from tests.accountability.conftest import TODAY, decided_measure, move_to, open_case

FILTERS = [
    case_desk.DeskFilter(),
    case_desk.DeskFilter(open_only=True),
    case_desk.DeskFilter(source="audit"),
    case_desk.DeskFilter(form="2"),
    case_desk.DeskFilter(mine=True, open_only=True),
    case_desk.DeskFilter(search="李娜"),
    case_desk.DeskFilter(search="机密"),
    case_desk.DeskFilter(search="ac-2026-000"),
]


@pytest.fixture
def desk(session, city):
    """Cases in both districts at every point of the workflow: overdue, due soon, without a
    time limit, closed, about a unit, with measures of two forms."""
    decided_measure(session, city, code="party_warning")
    decided_measure(session, city, code="admonishment", cadre=city.cadre2)
    inspector = city.actor("inspector")
    for index, (stage, opened) in enumerate([
            (CaseStage.VERIFICATION, date(2026, 1, 5)), (CaseStage.VERIFICATION, date(2026, 9, 1)),
            (CaseStage.VERIFICATION, date(2026, 11, 10)), (CaseStage.CLUE, date(2026, 11, 1)),
            (CaseStage.FILED, date(2026, 1, 3)), (CaseStage.INVESTIGATION, date(2026, 1, 4)),
            (CaseStage.CLOSED, date(2025, 12, 30))]):
        case = open_case(session, city, cadres=[[city.cadre1], [city.cadre2]][index % 2],
                         units=[city.c1] if index == 3 else (), opened_on=opened,
                         source=["audit", "letters_visits"][index % 2],
                         title=f"机密标题{index}", summary="举报材料")
        if stage == CaseStage.VERIFICATION:
            cases.move_case(session, inspector, case.id, stage, reason="初核",
                            on=max(opened, date(2026, 1, 10)), today=TODAY)
        else:
            move_to(session, city, case, stage)
    other = Actor.for_user(factories.user(session, "inspector2", Role.INSPECTOR, city.city))
    open_case(session, city, cadres=[city.cadre2], opened_on=date(2026, 11, 20))
    cases.edit_case(session, other, open_case(session, city, opened_on=date(2026, 8, 1)).id,
                    handler_id=other.user_id)
    session.commit()
    district = Actor.for_user(factories.user(session, "inspector-d2", Role.INSPECTOR, city.d2))
    return [city.actor("inspector"), district]


def straightforward(session, actor, wanted: case_desk.DeskFilter):
    return cases.case_rows(session, actor, under_unit_id=wanted.under_unit_id, form=wanted.form,
                           source=wanted.source, search=wanted.search, mine=wanted.mine,
                           open_only=wanted.open_only, today=TODAY)


@pytest.mark.parametrize("wanted", FILTERS, ids=repr)
def test_the_table_a_block_at_a_time_is_the_straightforward_list(session, city, desk, wanted):
    for actor in desk:
        expected = straightforward(session, actor, wanted)
        blocks = [case_desk.page(session, actor, wanted, start, start + 3, today=TODAY)
                  for start in range(0, len(expected) + 3, 3)]
        assert [row for block in blocks for row in block] == expected
        assert case_desk.count(session, actor, wanted) == len(expected)


@pytest.mark.parametrize("wanted", FILTERS[:2] + FILTERS[3:6], ids=repr)
def test_the_board_counts_each_open_stage_and_shows_its_most_urgent_cases(session, city, desk,
                                                                          wanted):
    for actor in desk:
        expected = straightforward(session, actor, wanted)
        for column in case_desk.board(session, actor, wanted, per_column=2, today=TODAY):
            in_stage = [r for r in expected if r.stage == column.stage]
            assert column.count == len(in_stage), column.stage
            assert list(column.rows) == in_stage[:2], column.stage


def test_the_board_filters_by_unit_subtree(session, city, desk):
    wanted = case_desk.DeskFilter(under_unit_id=city.d1.id, open_only=True)
    expected = straightforward(session, desk[0], wanted)
    rows = [r for c in case_desk.board(session, desk[0], wanted, 25, today=TODAY) for r in c.rows]
    assert sorted(r.id for r in rows) == sorted(r.id for r in expected) != []


def test_the_desk_figures_are_those_of_the_listed_cases(session, city, desk):
    for today in (TODAY, date(2026, 3, 1), date(2027, 2, 1)):
        for actor in desk:
            rows = cases.case_rows(session, actor, today=today)
            open_rows = [r for r in rows if r.is_open]
            assert case_desk.figures(session, actor, today=today) == case_desk.DeskFigures(
                open=len(open_rows),
                overdue=sum(r.overdue for r in open_rows),
                due_soon=sum(1 for r in open_rows if not r.overdue and r.days_left is not None
                             and r.days_left <= case_desk.DUE_SOON_DAYS),
                filed=sum(1 for r in open_rows if r.stage in UNDER_INVESTIGATION_STAGES),
                opened_this_year=sum(1 for r in rows if r.opened_on.year == today.year))
    assert case_desk.figures(session, desk[0], today=TODAY).overdue > 0


def test_a_reviewer_reads_nothing_of_the_desk(session, city, desk):
    reviewer = city.actor("reviewer")
    for read in (lambda: case_desk.figures(session, reviewer),
                 lambda: case_desk.count(session, reviewer, case_desk.DeskFilter()),
                 lambda: case_desk.page(session, reviewer, case_desk.DeskFilter(), 0, 100),
                 lambda: case_desk.board(session, reviewer, case_desk.DeskFilter(), 25)):
        with pytest.raises(AccessDenied):
            read()


def test_only_the_titles_shown_are_decrypted(session, city, desk, monkeypatch):
    """The board shows one card a column: no other case's title or summary is decrypted."""
    decrypted = []
    original = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda stored: decrypted.append(stored) or
                        original(stored))
    wanted = case_desk.DeskFilter(open_only=True)
    shown = [r for c in case_desk.board(session, desk[0], wanted, per_column=1, today=TODAY)
             for r in c.rows]
    case_desk.figures(session, desk[0], today=TODAY)
    case_desk.count(session, desk[0], wanted)
    assert 0 < len(decrypted) == len(shown) < case_desk.count(session, desk[0], wanted)
