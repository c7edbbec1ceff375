"""A city configures its lead departments (牵头部门, issue 15 point 1): the indicator file's
lead_department column, the scheme editor's dropdown and the department list on the
schemes page."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from assessment import departments, schemes
from assessment.models import Indicator, LeadDepartment
from portal import transfer
from portal.enums import UnitLevel
from portal.models import AuditEvent as AuditLog
from portal.tabular import ImportProblem
from tests.assessment.conftest import YEAR
from tests.web import callback, login

HEADER = "code,name,parent_code,weight,direction,method,level,year,lead_department\n"
SCHEME = HEADER + """D1,党建引领,,60,higher,group,street,2026,
I1,书记抓党建,D1,30,higher,direct,street,2026,
I2,两新组织覆盖率,D1,30,higher,direct,street,2026,{i2}
D2,平安建设,,40,higher,group,street,2026,
I3,矛盾纠纷化解,D2,40,higher,direct,street,2026,{i3}
"""


@pytest.fixture
def with_departments(session, city):
    session.add_all([LeadDepartment(code="ZFW", name="市委政法委", active=True),
                     LeadDepartment(code="MZJ", name="民政局", active=True)])
    session.commit()
    return city


def lead_of(session, code: str) -> str | None:
    scheme = schemes.latest(session, YEAR, UnitLevel.STREET)
    indicator = next(i for i in scheme.indicators if i.code == code)
    return indicator.lead_department.code if indicator.lead_department else None


def test_an_indicator_file_names_lead_departments_by_code_or_name(session, with_departments):
    admin = with_departments.actor("admin")
    data = SCHEME.format(i2="民政局", i3="ZFW").encode()
    transfer.run_import(session, admin, "indicators", data, "scheme.csv")
    assert (lead_of(session, "I1"), lead_of(session, "I2"), lead_of(session, "I3")) == \
        (None, "MZJ", "ZFW")
    # an empty cell takes the lead department away again
    transfer.run_import(session, admin, "indicators", SCHEME.format(i2="", i3="ZFW").encode(),
                        "scheme.csv")
    assert (lead_of(session, "I2"), lead_of(session, "I3")) == (None, "ZFW")


def test_an_unknown_lead_department_is_named_by_row_and_column_and_nothing_is_written(
        session, with_departments):
    data = SCHEME.format(i2="MZJ", i3="XX9").encode()
    with pytest.raises(ImportProblem) as problem:
        transfer.run_import(session, with_departments.actor("admin"), "indicators", data,
                            "scheme.csv")
    session.rollback()
    assert any("row 6" in line and "lead_department" in line and "XX9" in line
               for line in problem.value.lines())
    assert session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_export_and_import_back_keep_the_lead_departments(session, with_departments):
    admin = with_departments.actor("admin")
    transfer.run_import(session, admin, "indicators",
                        SCHEME.format(i2="MZJ", i3="ZFW").encode(), "scheme.csv")
    exported = transfer.run_export(session, admin, "indicators", "csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))}
    assert (rows["I2"]["lead_department"], rows["I3"]["lead_department"],
            rows["I1"]["lead_department"]) == ("MZJ", "ZFW", "")
    again = transfer.run_import(session, admin, "indicators", exported, "indicators.csv")
    assert again.unchanged == again.rows == 5
    assert (lead_of(session, "I2"), lead_of(session, "I3")) == ("MZJ", "ZFW")


def test_a_file_without_the_column_leaves_lead_departments_alone(session, with_departments):
    admin = with_departments.actor("admin")
    transfer.run_import(session, admin, "indicators",
                        SCHEME.format(i2="MZJ", i3="ZFW").encode(), "scheme.csv")
    old = "\n".join(line.rsplit(",", 1)[0] for line in SCHEME.format(i2="", i3="").splitlines())
    transfer.run_import(session, admin, "indicators", old.encode(), "old.csv")
    assert (lead_of(session, "I2"), lead_of(session, "I3")) == ("MZJ", "ZFW")


# --- the schemes page ---------------------------------------------------------------------------

FORM = ("code", "iname", "parent", "weight", "method", "direction", "target", "bands", "cap",
        "per-item", "unit", "rank-points", "rank-start", "rank-step", "rank-floor", "source",
        "lead", "name")


def save_indicator(client, values: dict):
    return callback(client, [("as-sch-message", "children"), ("as-sch-changed", "data")],
                    [("as-sch-save", "n_clicks", 1), ("as-sch-delete", "n_clicks", None),
                     ("as-sch-copy", "n_clicks", None), ("as-sch-rename", "n_clicks", None)],
                    [("as-sch-year", "value", YEAR), ("as-sch-level", "value", "street")]
                    + [(f"as-sch-{n}", "value", values.get(n)) for n in FORM]
                    + [("as-sch-changed", "data", 0)])


def save_department(client, code, name):
    return callback(client, [("as-sch-dept-message", "children"),
                             ("as-sch-dept-changed", "data")],
                    [("as-sch-dept-save", "n_clicks", 1)],
                    [("as-sch-dept-code", "value", code), ("as-sch-dept-name", "value", name),
                     ("as-sch-dept-changed", "data", 0)])


I3 = {"code": "I3", "iname": "安全事件", "parent": "D2", "weight": 40, "method": "deduction",
      "direction": "lower", "cap": 20, "per-item": 4}


def test_the_administrator_sets_an_indicators_lead_department_in_the_editor(
        client, session, reporters, street_scheme):
    login(client, "admin")
    response = save_indicator(client, {**I3, "lead": "ZFW"})
    assert response.status_code == 200 and "I3 was saved" in response.get_data(as_text=True)
    session.expire_all()
    assert lead_of(session, "I3") == "ZFW"
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "indicator.save")
                            .order_by(AuditLog.id.desc())).first()
    assert "lead_department_id" in str(entry.summary)
    # an unknown department is refused with a message and nothing changes
    response = save_indicator(client, {**I3, "lead": "XX9"})
    assert "There is no lead department XX9" in response.get_data(as_text=True)
    # "none" gives the indicator back to the units
    save_indicator(client, {**I3, "lead": ""})
    session.expire_all()
    assert lead_of(session, "I3") is None


@pytest.mark.parametrize("username", ["reviewer", "reporter-dept", "reporter-unit"])
def test_only_the_administrator_sets_lead_departments_through_the_endpoint(
        client, session, reporters, street_scheme, username):
    login(client, username)
    assert save_indicator(client, {**I3, "lead": "ZFW"}).status_code == 403
    assert save_department(client, "HOT", "12345热线中心").status_code == 403
    session.expire_all()
    assert lead_of(session, "I3") is None
    assert departments.by_code(session, "HOT") is None


def test_the_administrator_adds_and_renames_a_lead_department_on_the_page(client, session,
                                                                          city):
    login(client, "admin")
    answer = save_department(client, "HOT", "12345热线中心")
    assert answer.status_code == 200 and "HOT" in answer.get_data(as_text=True)
    answer = save_department(client, "HOT", "12345市民热线中心")
    session.expire_all()
    assert departments.by_code(session, "HOT").name == "12345市民热线中心"
    assert session.scalar(select(func.count()).select_from(AuditLog)
                          .where(AuditLog.action == "lead_department.save")) == 2
    listed = callback(client, [("as-sch-depts", "rowData"), ("as-sch-lead", "options")],
                      [("as-sch-dept-changed", "data", 1)]).get_data(as_text=True)
    assert "HOT" in listed
    # a code that is too long is refused, naming what is wrong
    refused = save_department(client, "X" * 40, "太长").get_data(as_text=True)
    assert "1 to 32 characters" in refused
    assert session.scalar(select(func.count()).select_from(LeadDepartment)) == 1
