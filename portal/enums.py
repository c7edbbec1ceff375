"""Platform vocabularies: unit levels and kinds, roles, and the cadre registry's terms.

Values are stable English codes (stored, and accepted in import files); labels are
translated for display and Chinese labels are accepted on import too.
"""

from __future__ import annotations

from portal.i18n import N_, LabeledEnum


class UnitLevel(LabeledEnum):
    """The four levels of 四级联动: city 市 → district/county 区县 → street/township 街道乡镇
    → community/village 社区村."""

    CITY = "city", N_("City")
    DISTRICT = "district", N_("District/County")
    STREET = "street", N_("Street/Township")
    COMMUNITY = "community", N_("Community/Village")

    @property
    def depth(self) -> int:
        return list(UnitLevel).index(self)

    @property
    def child(self) -> UnitLevel | None:
        levels = list(UnitLevel)
        return levels[self.depth + 1] if self.depth + 1 < len(levels) else None


# Chinese spellings used in import files (contracts.md) besides the labels.
UNIT_LEVEL_ALIASES = {"市": "city", "区县": "district", "区": "district", "县": "district",
                      "街道乡镇": "street", "街道": "street", "乡镇": "street",
                      "社区村": "community", "社区": "community", "村": "community"}


class UnitKind(LabeledEnum):
    """What kind of organization a unit is; territorial units form the four levels,
    the others are party organizations attached to a territorial unit."""

    TERRITORIAL = "territorial", N_("Territorial party committee")
    GOV_DEPARTMENT = "gov_department", N_("Government department")
    ENTERPRISE = "enterprise", N_("Enterprise party organization")
    SOCIAL_ORG = "social_org", N_("Social organization party organization")
    INDUSTRY_BRANCH = "industry_branch", N_("Industry association branch")
    INDUSTRIAL_CHAIN = "industrial_chain", N_("Industrial chain branch")
    BUILDING_MARKET = "building_market", N_("Commercial building / market branch")
    MOBILE_BRANCH = "mobile_branch", N_("Mobile party member branch")
    ONLINE_BRANCH = "online_branch", N_("Online branch")
    INSTITUTION = "institution", N_("Public institution")


class Role(LabeledEnum):
    """Logins' roles. The three administrators are separated (三员分立, GB/T 22239-2019
    level 3): the system administrator runs units, schemes and settings, the security
    administrator runs the accounts, the audit administrator reads the audit log."""

    ADMIN = "admin", N_("System administrator")
    SECURITY = "security", N_("Security administrator")
    AUDITOR = "auditor", N_("Audit administrator")
    REVIEWER = "reviewer", N_("Organization department reviewer")
    INSPECTOR = "inspector", N_("Discipline inspection staff")
    CADRE = "cadre", N_("Cadre")
    REPORTER = "reporter", N_("Data reporter")


class Gender(LabeledEnum):
    MALE = "male", N_("Male")
    FEMALE = "female", N_("Female")


GENDER_ALIASES = {"男": "male", "女": "female", "m": "male", "f": "female"}


class CadreCategory(LabeledEnum):
    """Cadre categories (干部类别); training standards differ by category."""

    LEADING = "leading_cadre", N_("Leading cadre")
    CIVIL_SERVANT = "civil_servant", N_("Civil servant")
    INSTITUTION = "institution_staff", N_("Public institution staff")
    COMMUNITY = "community_worker", N_("Community worker")
    VILLAGE = "village_cadre", N_("Village cadre")
    SOE = "soe_manager", N_("State-owned enterprise manager")


class CadreStatus(LabeledEnum):
    SERVING = "serving", N_("Serving")
    TRANSFERRED = "transferred", N_("Transferred")
    RETIRED = "retired", N_("Retired")


class Rank(LabeledEnum):
    """Leading posts (领导职务层次) and ranks (职级), per the 2019 parallel post-and-rank rules
    (公务员职务与职级并行规定 2019, art. 5 and 18): 二级科员 … 一级调研员, 二级巡视员 (二级巡视员
    matches 厅局级副职) and 一级巡视员 (matches 厅局级正职), which city organs have.

    ``RANK_GRADE`` puts both on one scale so that "equal or higher" can be compared.
    """

    CLERK = "clerk", N_("Clerk")
    STAFF_2 = "staff_2", N_("Staff member, grade 2")
    STAFF_1 = "staff_1", N_("Staff member, grade 1")
    PRINCIPAL_STAFF_4 = "principal_staff_4", N_("Principal staff member, grade 4")
    PRINCIPAL_STAFF_3 = "principal_staff_3", N_("Principal staff member, grade 3")
    PRINCIPAL_STAFF_2 = "principal_staff_2", N_("Principal staff member, grade 2")
    PRINCIPAL_STAFF_1 = "principal_staff_1", N_("Principal staff member, grade 1")
    RESEARCHER_4 = "researcher_4", N_("Researcher, grade 4")
    RESEARCHER_3 = "researcher_3", N_("Researcher, grade 3")
    RESEARCHER_2 = "researcher_2", N_("Researcher, grade 2")
    RESEARCHER_1 = "researcher_1", N_("Researcher, grade 1")
    INSPECTOR_2 = "inspector_2", N_("Inspector, grade 2")
    INSPECTOR_1 = "inspector_1", N_("Inspector, grade 1")
    TOWNSHIP_DEPUTY = "township_deputy", N_("Township/section level, deputy")
    TOWNSHIP_CHIEF = "township_chief", N_("Township/section level, principal")
    COUNTY_DEPUTY = "county_deputy", N_("County/division level, deputy")
    COUNTY_CHIEF = "county_chief", N_("County/division level, principal")
    BUREAU_DEPUTY = "bureau_deputy", N_("Bureau level, deputy")
    BUREAU_CHIEF = "bureau_chief", N_("Bureau level, principal")

    @property
    def grade(self) -> int:
        return RANK_GRADE[self]

    @property
    def is_leading_post(self) -> bool:
        return self.value.endswith(("_deputy", "_chief"))


RANK_GRADE: dict[Rank, int] = {
    Rank.CLERK: 1, Rank.STAFF_2: 2, Rank.STAFF_1: 3,
    Rank.PRINCIPAL_STAFF_4: 4, Rank.PRINCIPAL_STAFF_3: 4, Rank.TOWNSHIP_DEPUTY: 4,
    Rank.PRINCIPAL_STAFF_2: 5, Rank.PRINCIPAL_STAFF_1: 5, Rank.TOWNSHIP_CHIEF: 5,
    Rank.RESEARCHER_4: 6, Rank.RESEARCHER_3: 6, Rank.COUNTY_DEPUTY: 6,
    Rank.RESEARCHER_2: 7, Rank.RESEARCHER_1: 7, Rank.COUNTY_CHIEF: 7,
    Rank.INSPECTOR_2: 8, Rank.BUREAU_DEPUTY: 8, Rank.INSPECTOR_1: 9, Rank.BUREAU_CHIEF: 9,
}


class LeaderRole(LabeledEnum):
    """A cadre's place in the unit's leadership team (班子): principal 正职 or deputy 副职."""

    PRINCIPAL = "principal", N_("Principal")
    DEPUTY = "deputy", N_("Deputy")
    MEMBER = "member", N_("Not in the leadership team")


class TextSize(LabeledEnum):
    """The user's text size (适老化: larger type for older readers), remembered on the account."""

    STANDARD = "standard", N_("Standard text")
    LARGE = "large", N_("Large text")
    EXTRA_LARGE = "extra_large", N_("Extra large text")
