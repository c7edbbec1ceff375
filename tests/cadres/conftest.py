"""Fixtures for the cadres tests: the factories city and helpers to record training."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import training
from cadres.enums import RecordSource, TrainingCategory, TrainingMode
from tests import factories


@pytest.fixture
def city(session):
    return factories.city(session)


def record(session, city_or_actor, cadre, title, hours, *, category=TrainingCategory.THEORY,
           mode=TrainingMode.OFFLINE, day=date(2026, 3, 2), source=RecordSource.IMPORT):
    """Add one training record as the admin would and commit it."""
    actor = city_or_actor.actor("admin") if hasattr(city_or_actor, "actor") else city_or_actor
    created, _new = training.add_record(session, actor, cadre, title=title, category=category,
                                        hours=hours,
                                        mode=mode, completed_on=day, source=source)
    session.commit()
    return created
