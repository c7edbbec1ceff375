"""``portal.db.bulk_insert`` (the demo's seeders: COPY on PostgreSQL, the driver's executemany
elsewhere) stores exactly what an ORM insert of the same values stores."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from cadres.models import CadreRecord
from portal.db import bulk_insert
from tests import factories

RECORD = {  # a JSON list and None (JSON null), a date, an encrypted text, left-out defaults
    "id_number": "369901198505010026", "ethnicity": "01", "party_joined": date(2006, 7, 1),
    "resume": [{"start": "2007-09", "end": None, "text": "桃桥街道\t科员\\"}],
    "rewards_sanctions": "", "updated_by": "demo",
}


def _stored(session, cadre_id: int) -> dict:
    row = session.execute(select(CadreRecord.__table__)
                          .where(CadreRecord.cadre_id == cadre_id)).mappings().one()
    return {key: value for key, value in row.items() if key not in ("cadre_id", "updated_at")}


def test_bulk_insert_stores_what_an_insert_stores(session):
    town = factories.city(session)
    session.execute(insert(CadreRecord), [{"cadre_id": town.cadre1.id, **RECORD}])
    bulk_insert(session, CadreRecord, [{"cadre_id": town.cadre2.id, **RECORD}])
    assert _stored(session, town.cadre2.id) == _stored(session, town.cadre1.id)
    assert _stored(session, town.cadre1.id)["family"] == []


def test_rows_with_different_columns_get_their_defaults(session):
    town = factories.city(session)
    bulk_insert(session, CadreRecord, [
        {"cadre_id": town.cadre1.id, "ethnicity": "01"},
        {"cadre_id": town.cadre2.id, "native_place": "江西南昌", "family": [{"relation": "父亲"}]},
    ])
    first, second = _stored(session, town.cadre1.id), _stored(session, town.cadre2.id)
    assert (first["ethnicity"], first["native_place"], first["family"]) == ("01", "", [])
    assert (second["ethnicity"], second["native_place"]) == ("", "江西南昌")
    assert second["family"] == [{"relation": "父亲"}]
