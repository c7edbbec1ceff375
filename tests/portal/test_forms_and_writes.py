"""Form input is parsed once at the edge, and every write callback has one shape
(``portal.ui.write``): a refusal becomes the form's alert, a programming error stays one."""

from __future__ import annotations

import base64
from contextlib import contextmanager
from datetime import date

import pytest
from dash import no_update
from sqlalchemy.orm.exc import StaleDataError

from portal import forms, ui
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Invalid


def test_blank_input_is_none_and_good_input_is_parsed():
    assert forms.day("", "the date") is None and forms.whole(None, "Months") is None
    assert forms.day("2026-05-01T00:00:00", "the date") == date(2026, 5, 1)
    assert forms.whole("3", "Months") == 3 and forms.number("2.5", "Points") == 2.5
    assert forms.choice("street", UnitLevel, "Level") is UnitLevel.STREET


@pytest.mark.parametrize(("parse", "value", "what"), [
    (forms.day, "1 May", "the decision date"), (forms.whole, "C0002", "the case"),
    (forms.number, "many", "Points"), (forms.choice, "province", "Level")])
def test_bad_input_is_refused_in_one_line_naming_the_field(parse, value, what):
    with pytest.raises(Invalid) as refused:
        parse(value, UnitLevel, what) if parse is forms.choice else parse(value, what)
    assert refused.value.message.startswith(f"{what}: “{value}”") and refused.value.field == what


class FakeUnitOfWork:
    def __init__(self):
        self.committed = self.rolled_back = False

    @contextmanager
    def __call__(self):
        try:
            yield "session"
            self.committed = True
        except BaseException:
            self.rolled_back = True
            raise


@pytest.fixture
def work(monkeypatch):
    unit = FakeUnitOfWork()
    monkeypatch.setattr(ui, "current_actor", lambda: "actor")
    monkeypatch.setattr(ui.db, "unit_of_work", unit)
    return unit


def test_nothing_happens_until_the_button_is_clicked(work):
    called = []
    assert ui.write(0, lambda s, a: called.append(1), idle=(no_update, no_update)) == (no_update,
                                                                                       no_update)
    assert not called and not work.committed


def test_the_change_runs_as_the_actor_and_its_result_builds_the_outputs_after_the_commit(work):
    answer = ui.write(1, lambda session, actor: f"{session} {actor}",
                      then=lambda result: (result, work.committed))
    assert answer == ("session actor", True)


def test_a_refusal_rolls_back_and_becomes_the_alert(work):
    def refuse(_session, _actor):
        raise AccessDenied("Your role may not do this.")

    alert = ui.write(1, refuse)
    assert work.rolled_back and "Your role may not do this." in str(alert)
    assert ui.write(1, refuse, refused=lambda error: (no_update, error.message)) == (no_update,
                                                                                    "Your role "
                                                                                    "may not do "
                                                                                    "this.")


def test_a_programming_error_is_not_turned_into_a_form_message(work):
    with pytest.raises(TypeError):
        ui.write(1, lambda _s, _a: int(None))
    assert work.rolled_back


def test_a_row_changed_meanwhile_is_a_conflict_only_where_the_page_says_so(work):
    def stale(_session, _actor):
        raise StaleDataError("version")

    assert "reload" in str(ui.write(1, stale, stale="Someone else changed it; reload."))
    with pytest.raises(StaleDataError):
        ui.write(1, stale)


def test_an_upload_is_read_from_its_data_url_or_refused_in_plain_words():
    data = b"%PDF-1.7 \x00\xff"
    assert forms.upload("data:application/pdf;base64," + base64.b64encode(data).decode()) == data
    for forged in (None, "no comma here", "data:application/pdf;base64,@@not base64@@"):
        with pytest.raises(Invalid) as refused:
            forms.upload(forged, "The photo could not be read; choose the file again.", "photo")
        assert refused.value.message.startswith("The photo could not be read")
        assert refused.value.field == "photo"
    with pytest.raises(Invalid, match="The upload could not be read"):
        forms.upload("data:text/csv;base64")
