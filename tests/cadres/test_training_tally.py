"""The hours tallies (``training_tally``, what the dashboards read) equal the training records
summed afresh after every kind of write: a record added, deleted, imported."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from cadres import importers, training
from cadres.enums import RecordSource, TrainingCategory, TrainingMode
from cadres.models import TrainingRecord, TrainingTally
from tests import factories


def tallies_afresh(session) -> dict:
    names, rows = training._tally_rows()
    return {(r.cadre_id, r.year): tuple(r)[2:] for r in session.execute(rows)}


def tallies_kept(session) -> dict:
    columns = [getattr(TrainingTally, name) for name in training._tally_rows()[0]]
    return {(r[0], r[1]): tuple(r)[2:] for r in session.execute(select(*columns))}


def test_the_tallies_equal_the_records_after_every_kind_of_write(session):
    city = factories.city(session)
    reviewer = city.actor("reviewer")
    assert tallies_kept(session) == tallies_afresh(session)
    record, _created = training.add_record(session, reviewer, city.cadre1, title="党章专题",
                                           category=TrainingCategory.THEORY,
                                           hours=1.1, mode=TrainingMode.ONLINE,
                                           completed_on=date(2026, 3, 2),
                                           source=RecordSource.IMPORT)
    training.add_record(session, reviewer, city.cadre1, title="廉政教育",
                        category=TrainingCategory.THEORY, hours=2.2,
                        mode=TrainingMode.ONLINE, completed_on=date(2026, 5, 2),
                        source=RecordSource.IMPORT)
    training.add_record(session, reviewer, city.cadre2, title="应急管理",
                        category=TrainingCategory.KNOWLEDGE,
                        hours=3, mode=TrainingMode.OFFLINE, completed_on=date(2025, 12, 30),
                        source=RecordSource.IMPORT)
    kept = tallies_kept(session)
    assert kept == tallies_afresh(session)
    assert kept[(city.cadre1.id,
                 2026)][training._tally_rows()[0].index("theory_online") - 2] == 1.1 + 2.2
    training.delete_record(session, reviewer, record.id)
    assert tallies_kept(session) == tallies_afresh(session)
    csv = ("cadre_code,title,category,hours,mode,completed_on\n"
           f"{city.cadre2.code},网络学习,theory,1.5,online,2026-04-01\n").encode()
    importers.import_training(session, reviewer, csv, "records.csv")
    assert tallies_kept(session) == tallies_afresh(session)
    assert (
        session.scalar(select(TrainingRecord.hours).where(TrainingRecord.title == "网络学习"))
        == 1.5
    )
