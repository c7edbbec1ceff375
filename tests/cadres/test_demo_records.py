"""The demo city's full records: every cadre has one, and every one of them passes the strict
reading of the appointment form (exported for the whole city, then read back as a dry run)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cadres import appointment_forms, lrmx
from cadres.models import CadrePhoto, CadreRecord
from portal import transfer
from portal.access import Actor
from portal.db import session_factory
from portal.models import Cadre, User

pytestmark = pytest.mark.slow


def test_every_demo_cadre_has_a_record_that_reads_back_as_a_valid_form(clean_db, demo_templates):
    city = demo_templates.seed(clean_db, "small", today=date(2026, 11, 24))
    with session_factory(clean_db)() as session:
        assert session.scalar(select(func.count()).select_from(CadreRecord)) == len(city.cadres)
        assert session.get(CadrePhoto, city.featured_cadre_id) is not None
        reviewer = Actor.for_user(session.scalar(select(User).where(User.username == "reviewer")))
        content = appointment_forms.export_unit(session, reviewer, city.units[0]["code"])
        result = transfer.run_import(session, reviewer, "lrmx", content, "city.zip", dry_run=True)
        assert result.rows == session.scalar(select(func.count()).select_from(Cadre).where(
            Cadre.status == "serving")) and result.created == 0
        featured = session.get(Cadre, city.featured_cadre_id)
        _name, single = appointment_forms.export_form(session, reviewer, featured.code)
        form = lrmx.parse_form(single, "featured.lrmx")
        assert form.get("JianLi").splitlines()[-1].endswith(featured.position)
        assert form.get("ZhaoPian") and form.get("NianDuKaoHeJieGuo")
