"""The demo city: a deterministic synthetic city (fixed seed) with realistic Chinese names.

``ensure_demo`` builds the units, the cadre registry and the demo logins, then calls
each domain package's seeders (``<package>.demo.SEEDERS``: ``[(order, seed_fn)]``, each
``seed_fn(session, city)``), so the demo grows with the modules. Dates are relative to
the day of seeding, so "overdue" and "in effect" stay meaningful.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, delete, select, text

from portal import audit, db, schema
from portal.access import Actor
from portal.db import Base, bulk_insert, utcnow
from portal.enums import CadreCategory, Gender, LeaderRole, Rank, Role, UnitKind, UnitLevel
from portal.models import Cadre, Setting, Unit, User
from portal.passwords import hash_password
from portal.plugins import domain_modules, load_all_models

SEED = 20261124
DEMO_PASSWORD = "Portal#2026"
MARKER = "demo.seed"


@dataclass(frozen=True)
class Scale:
    districts: int
    streets_per_district: tuple[int, int]
    communities_per_street: tuple[int, int]
    district_staff: int
    street_staff: int
    community_staff: tuple[int, int]


SCALES = {
    "small": Scale(4, (9, 11), (6, 9), 16, 6, (1, 2)),
    "city": Scale(8, (12, 16), (8, 12), 30, 10, (2, 4)),
    "large": Scale(12, (18, 22), (10, 12), 120, 60, (9, 12)),
}

DISTRICT_NAMES = ["青山区", "临江区", "东湖区", "云溪县", "南屏区", "北塘区", "金沙县", "石门县",
                  "凤鸣区", "柳岸区", "白鹭县", "枫林县"]
SYLLABLES_A = list("青临东西南新长安和平兴华建阳春秀桂柳梅松竹兰桃杏枫云霞明光文德仁丰盛泰康宁福祥"
                   "瑞金玉石清芳翠碧")
SYLLABLES_B = list("河湖江桥塘坪坝庄园林苑山岭峰泉溪湾港岗湖洲源田亭门楼街坊里台岸滨城")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
                "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
                "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = list("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才"
                  "发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思"
                  "群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁"
                  "栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘")
GIVEN_FEMALE = list("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣"
                    "爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴"
                    "瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭"
                    "冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽")
ORG_KINDS = [
    (UnitKind.ENTERPRISE, "{p}科技有限公司党支部"),
    (UnitKind.SOCIAL_ORG, "{p}社会工作服务中心党支部"),
    (UnitKind.BUILDING_MARKET, "{p}商务楼宇联合党支部"),
    (UnitKind.INDUSTRY_BRANCH, "{p}商会党支部"),
    (UnitKind.INDUSTRIAL_CHAIN, "{p}物流产业链党委"),
    (UnitKind.MOBILE_BRANCH, "{p}流动党员党支部"),
    (UnitKind.ONLINE_BRANCH, "{p}网络空间党支部"),
]


@dataclass
class DemoCity:
    """What the platform seeded, handed to each domain seeder."""

    today: date
    scale: str
    units: list[dict] = field(default_factory=list)
    cadres: list[dict] = field(default_factory=list)
    featured_cadre_id: int = 0
    logins: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """An independent deterministic random stream per seeder."""
        return random.Random(f"{SEED}:{name}")

    def units_at(self, level: UnitLevel, territorial_only: bool = True) -> list[dict]:
        return [u for u in self.units if u["level"] == level
                and (not territorial_only or u["kind"] == UnitKind.TERRITORIAL)]

    def cadres_in(self, unit_id: int) -> list[dict]:
        return [c for c in self.cadres if c["unit_id"] == unit_id]

    def leaders_of(self, unit_id: int) -> list[dict]:
        return [c for c in self.cadres_in(unit_id) if c["leader_role"] != LeaderRole.MEMBER]

    @property
    def featured_cadre(self) -> dict:
        return next(c for c in self.cadres if c["id"] == self.featured_cadre_id)

    @property
    def reporting_community(self) -> dict:
        """The first community of the first district: the ``reporter-unit`` demo login's unit."""
        district = self.units_at(UnitLevel.DISTRICT)[0]
        return next(u for u in self.units_at(UnitLevel.COMMUNITY)
                    if u["path"].startswith(district["path"]))


class _Names:
    """Unique, deterministic Chinese names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def place(self) -> str:
        """Two syllables while they last (about 1,500 names), then three."""
        for attempt in range(10_000):
            name = self.rng.choice(SYLLABLES_A) + self.rng.choice(SYLLABLES_B)
            if attempt > 200:
                name = self.rng.choice(SYLLABLES_A) + name
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of place names")

    def person(self, gender: Gender) -> str:
        pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
        given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given


# --- units -----------------------------------------------------------------------------------

DEMO_CITY_CODE = "JZ"


def build_units(scale: Scale, rng: random.Random) -> list[dict]:
    names = _Names(rng)
    units: list[dict] = []

    def add(code, name, level, parent, kind=UnitKind.TERRITORIAL):
        unit_id = len(units) + 1
        path = f"{parent['path'] if parent else '/'}{unit_id}/"
        unit = {"id": unit_id, "code": code, "name": name, "level": level, "kind": kind,
                "parent_id": parent["id"] if parent else None, "path": path, "active": True}
        units.append(unit)
        return unit

    # Codes that cannot be mistaken for administrative division codes (GB/T 2260 codes are all
    # digits; "3309…" is a real city): JZ, then two digits per district and three per street
    # and community.
    city = add(DEMO_CITY_CODE, "江州市", UnitLevel.CITY, None)
    for d in range(scale.districts):
        district_name = DISTRICT_NAMES[d] if d < len(DISTRICT_NAMES) else names.place() + "区"
        rural = district_name.endswith("县")
        district = add(f"{DEMO_CITY_CODE}{d + 1:02d}", district_name, UnitLevel.DISTRICT, city)
        for s in range(rng.randint(*scale.streets_per_district)):
            suffix = rng.choice(["镇", "镇", "乡"]) if rural else "街道"
            street = add(f"{district['code']}{s + 1:03d}", names.place() + suffix, UnitLevel.STREET,
                         district)
            count = rng.randint(*scale.communities_per_street)
            for c in range(count):
                suffix = "村" if rural else "社区"
                add(f"{street['code']}{c + 1:03d}", names.place() + suffix, UnitLevel.COMMUNITY,
                    street)
            if not rural or rng.random() < 0.5:
                kind, pattern = ORG_KINDS[(d + s) % len(ORG_KINDS)]
                add(f"{street['code']}9{s % 100:02d}", pattern.format(p=names.place()),
                    UnitLevel.COMMUNITY, street, kind)
    return units


# --- cadres ----------------------------------------------------------------------------------

POSTS = {  # (position, rank, category, leader role) for each unit level's leadership team
    UnitLevel.CITY: [("市委书记", Rank.BUREAU_CHIEF, LeaderRole.PRINCIPAL),
                     ("市长", Rank.BUREAU_CHIEF, LeaderRole.PRINCIPAL),
                     ("市委副书记", Rank.BUREAU_DEPUTY, LeaderRole.DEPUTY),
                     ("副市长", Rank.BUREAU_DEPUTY, LeaderRole.DEPUTY),
                     ("副市长", Rank.BUREAU_DEPUTY, LeaderRole.DEPUTY),
                     ("市委组织部部长", Rank.BUREAU_DEPUTY, LeaderRole.DEPUTY),
                     ("市纪委书记、市监委主任", Rank.BUREAU_DEPUTY, LeaderRole.DEPUTY)],
    UnitLevel.DISTRICT: [("区委书记", Rank.COUNTY_CHIEF, LeaderRole.PRINCIPAL),
                         ("区长", Rank.COUNTY_CHIEF, LeaderRole.PRINCIPAL),
                         ("区委副书记", Rank.COUNTY_DEPUTY, LeaderRole.DEPUTY),
                         ("副区长", Rank.COUNTY_DEPUTY, LeaderRole.DEPUTY),
                         ("副区长", Rank.COUNTY_DEPUTY, LeaderRole.DEPUTY),
                         ("区委组织部部长", Rank.COUNTY_DEPUTY, LeaderRole.DEPUTY),
                         ("区纪委书记", Rank.COUNTY_DEPUTY, LeaderRole.DEPUTY)],
    UnitLevel.STREET: [("街道党工委书记", Rank.TOWNSHIP_CHIEF, LeaderRole.PRINCIPAL),
                       ("街道办事处主任", Rank.TOWNSHIP_CHIEF, LeaderRole.PRINCIPAL),
                       ("街道党工委副书记", Rank.TOWNSHIP_DEPUTY, LeaderRole.DEPUTY),
                       ("街道办事处副主任", Rank.TOWNSHIP_DEPUTY, LeaderRole.DEPUTY),
                       ("街道办事处副主任", Rank.TOWNSHIP_DEPUTY, LeaderRole.DEPUTY),
                       ("街道纪工委书记", Rank.TOWNSHIP_DEPUTY, LeaderRole.DEPUTY)],
}
STAFF_RANKS = [Rank.STAFF_1, Rank.STAFF_2, Rank.PRINCIPAL_STAFF_4, Rank.PRINCIPAL_STAFF_3,
               Rank.PRINCIPAL_STAFF_2, Rank.PRINCIPAL_STAFF_1, Rank.RESEARCHER_4, Rank.RESEARCHER_3]
STAFF_POSTS = ["科员", "综合办公室主任", "党建办干事", "社会治理办科员", "网格管理中心干事",
               "经济发展办科员", "民政科员", "信访办干事", "城管科员"]


def _town_posts(posts: list, rural: bool) -> list:
    if not rural:
        return posts
    rename = {"街道党工委书记": "镇党委书记", "街道办事处主任": "镇长",
              "街道党工委副书记": "镇党委副书记",
              "街道办事处副主任": "副镇长", "街道纪工委书记": "镇纪委书记"}
    return [(rename.get(p, p), r, role) for p, r, role in posts]


def _community_posts(unit: dict, staff: int) -> list:
    if unit["kind"] != UnitKind.TERRITORIAL:
        return [("党支部书记", None, LeaderRole.PRINCIPAL, CadreCategory.COMMUNITY)]
    village = unit["name"].endswith("村")
    category = CadreCategory.VILLAGE if village else CadreCategory.COMMUNITY
    head = "村党支部书记、村委会主任" if village else "社区党委书记、居委会主任"
    deputy = "村党支部副书记" if village else "社区党委副书记"
    worker = "村委委员" if village else "社区专职工作者"
    return ([(head, None, LeaderRole.PRINCIPAL, category),
             (deputy, None, LeaderRole.DEPUTY, category)]
            + [(worker, None, LeaderRole.MEMBER, category)] * staff)


def build_cadres(units: list[dict], scale: Scale, today: date, rng: random.Random) -> list[dict]:
    names = _Names(rng)
    cadres: list[dict] = []

    def add(unit, position, rank, role, category):
        gender = (
            Gender.MALE
            if rng.random() < (0.68 if role != LeaderRole.MEMBER else 0.48)
            else Gender.FEMALE
        )
        leading = category == CadreCategory.LEADING
        age = rng.randint(36, 57) if leading else rng.randint(24, 56)
        birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
        years_in_post = rng.uniform(0.3, 6.5)
        position_since = today - timedelta(days=int(years_in_post * 365))
        rank_since = position_since - timedelta(days=rng.randint(0, 900)) if rank else None
        cadres.append({
            "id": len(cadres) + 1, "code": f"C{len(cadres) + 1:05d}", "name": names.person(gender),
            "gender": gender, "birth_date": birth, "unit_id": unit["id"], "position": position,
            "rank": rank, "category": category, "leader_role": role,
            "position_since": position_since, "rank_since": rank_since,
            "party_member": leading or rng.random() < 0.82, "status": "serving",
        })

    for unit in units:
        level = unit["level"]
        if level == UnitLevel.COMMUNITY:
            for position, rank, role, category in _community_posts(unit,
                                                                   rng.randint(*scale.community_staff)):
                add(unit, position, rank, role, category)
            continue
        rural = unit["name"].endswith(("镇", "乡"))
        for position, rank, role in _town_posts(POSTS[level], rural):
            add(unit, position, rank, role, CadreCategory.LEADING)
        staff = {UnitLevel.CITY: scale.district_staff, UnitLevel.DISTRICT: scale.district_staff,
                 UnitLevel.STREET: scale.street_staff}[level]
        for _i in range(staff):
            rank = rng.choice(STAFF_RANKS)
            category = (
                CadreCategory.CIVIL_SERVANT if rng.random() < 0.8 else CadreCategory.INSTITUTION
            )
            add(unit, rng.choice(STAFF_POSTS), rank, LeaderRole.MEMBER, category)
    return cadres


# --- logins ----------------------------------------------------------------------------------

DEMO_LOGINS = [  # username, role, display name, what they see
    ("admin", Role.ADMIN, "系统管理员", "system: units, indicator schemes, settings"),
    ("security", Role.SECURITY, "安全管理员", "security: logins, roles, unlocks, resets"),
    ("auditor", Role.AUDITOR, "安全审计员", "audit: reads and exports the audit log"),
    ("reviewer", Role.REVIEWER, "组织部 王敏", "city-wide assessment, cadres, decisions"),
    ("reviewer-d1", Role.REVIEWER, "青山区委组织部 李强", "the first district only"),
    ("inspector", Role.INSPECTOR, "市纪委监委 赵静", "city-wide case desk"),
    ("cadre", Role.CADRE, "", "one cadre's own training, measures and claims"),
    ("reporter-unit", Role.REPORTER, "", "reports one community's own figures"),
    ("reporter-dept", Role.REPORTER, "市委政法委 填报员",
     "a lead department scoring its indicators city-wide"),
]
# The lead department (牵头部门) of ``reporter-dept``: the assessment demo seeds it by this code.
DEMO_DEPARTMENT = "ZFW"


def logins_text() -> str:
    lines = ["", "Demo logins (password for all: " + DEMO_PASSWORD + "):"]
    for username, role, _name, sees in DEMO_LOGINS:
        lines.append(f"  {username:<14} {role.value:<10} {sees}")
    return "\n".join(lines)


def _featured_cadre(city: DemoCity) -> int:
    """A street-level deputy in the first district: the ``cadre`` demo login."""
    first_district = city.units_at(UnitLevel.DISTRICT)[0]
    streets = [u for u in city.units_at(UnitLevel.STREET) if u["parent_id"] == first_district["id"]]
    for cadre in city.cadres_in(streets[0]["id"]):
        if cadre["leader_role"] == LeaderRole.DEPUTY:
            return cadre["id"]
    raise RuntimeError("no deputy in the first street")


def _users(city: DemoCity) -> list[dict]:
    password = hash_password(DEMO_PASSWORD)
    city_id = city.units[0]["id"]
    district_id = city.units_at(UnitLevel.DISTRICT)[0]["id"]
    featured = city.featured_cadre
    community = city.reporting_community
    scopes = {"admin": city_id, "security": city_id, "auditor": city_id, "reviewer": city_id,
              "reviewer-d1": district_id, "inspector": city_id,
              "cadre": featured["unit_id"], "reporter-unit": community["id"],
              "reporter-dept": city_id}
    names = {"cadre": featured["name"], "reporter-unit": f"{community['name']} 填报员"}
    users = []
    for index, (username, role, name, _sees) in enumerate(DEMO_LOGINS, start=1):
        users.append({"id": index, "username": username, "display_name": name or names[username],
                      "password_hash": password, "role": role, "unit_id": scopes[username],
                      "department_code": DEMO_DEPARTMENT if username == "reporter-dept" else None,
                      "cadre_id": featured["id"] if role == Role.CADRE else None, "lang": "zh",
                      "active": True, "session_nonce": f"demo{index}",
                      "password_changed_at": utcnow(), "created_at": utcnow()})
    return users


# --- orchestration ---------------------------------------------------------------------------

def seeders() -> list[tuple[int, Callable]]:
    found = []
    for module in domain_modules("demo"):
        found.extend(getattr(module, "SEEDERS", []))
    return sorted(found, key=lambda pair: pair[0])


def wipe(engine: Engine) -> None:
    load_all_models()
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        if engine.dialect.name == "postgresql":
            # ids from 1 again, so a re-seeded demo is the same as a fresh one
            from portal.backup import _reset_sequences

            _reset_sequences(connection)


def seed(engine: Engine, scale: str = "small", today: date | None = None,
         echo: Callable[[str], None] = lambda _m: None) -> DemoCity:
    """Seed an empty database with the demo city; returns what was seeded."""
    today = today or date.today()
    rng = random.Random(SEED)
    city = DemoCity(today=today, scale=scale)
    city.units = build_units(SCALES[scale], rng)
    city.cadres = build_cadres(city.units, SCALES[scale], today, random.Random(SEED + 1))
    city.featured_cadre_id = _featured_cadre(city)
    with db.standalone(engine) as session:
        bulk_insert(session, Unit, city.units)
        bulk_insert(session, Cadre, city.cadres)
        users = _users(city)
        bulk_insert(session, User, users)
        city.logins = {u["username"]: u["id"] for u in users}
        echo(f"  units: {len(city.units)}, cadres: {len(city.cadres)}, logins: {len(users)}")
        for _order, seed_domain in seeders():
            started = time.perf_counter()
            seed_domain(session, city)
            session.flush()
            echo(f"  seeded {seed_domain.__module__}.{seed_domain.__name__} "
                 f"({time.perf_counter() - started:.1f} s)")
        session.merge(Setting(key=MARKER, value={"scale": scale, "today": today.isoformat()},
                              source="portal demo", updated_by="demo"))
        audit.log(session, Actor.system(session, "demo"), "demo.seed", entity_type="database",
                  summary={"scale": scale, "today": today.isoformat(), "units": len(city.units),
                           "cadres": len(city.cadres)})
    if engine.dialect.name == "postgresql":
        from portal.backup import _reset_sequences

        with engine.begin() as connection:
            _reset_sequences(connection)
    # fresh statistics, so the planner picks the selective indexes
    with engine.begin() as connection:
        # The portal's own tables by name: a bare ANALYZE on PostgreSQL walks every schema of
        # the database and can deadlock with another installation's (or test worker's) TRUNCATE.
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            connection.execute(text(f"ANALYZE {names}"))
        else:
            connection.execute(text("ANALYZE"))  # SQLite: this one file
    _upkeep(engine, today, echo)
    return city


def _upkeep(engine: Engine, today: date, echo: Callable[[str], None]) -> None:
    """The packages' upkeep once (``portal.jobs.upkeep``): the derived rows the dashboards read
    (e.g. today's training summaries) are kept now, not in the first user's request."""
    from portal import jobs

    factory = db.session_factory(engine)
    for name, work in jobs.upkeep().items():
        started = time.perf_counter()
        work(factory, today)
        echo(f"  kept {name} ({time.perf_counter() - started:.1f} s)")


def ensure_demo(engine: Engine, scale: str = "small", reset: bool = False,
                echo: Callable[[str], None] = print) -> str:
    """Seed the demo unless the database already holds today's demo at this scale."""
    schema.upgrade(engine)
    current = seeded(engine)
    today = date.today()
    if current == {"scale": scale, "today": today.isoformat()} and not reset:
        return f"demo city ({scale}) is ready"
    if current is None and not schema.is_empty(engine) and not reset:
        raise_not_demo()
    echo(f"seeding the demo city ({scale}) …")
    wipe(engine)
    city = seed(engine, scale, today, echo)
    return f"demo city ({scale}) seeded: {len(city.units)} units, {len(city.cadres)} cadres"


def seeded(engine: Engine) -> dict | None:
    """The scale and day of the demo in the database ({"scale", "today"}), None if none."""
    with db.standalone(engine) as session:
        marker = session.scalar(select(Setting).where(Setting.key == MARKER))
        return marker.value if marker else None


def ensure_seeded(engine: Engine) -> str:
    """For serving a demo seeded before, as it is (any scale, any day): say which, or refuse."""
    schema.upgrade(engine)
    current = seeded(engine)
    if current is None:
        raise_not_demo()
    return f"demo city ({current['scale']}, seeded {current['today']}) is served as it is"


def raise_not_demo() -> None:
    from portal.errors import PortalError

    raise PortalError("this database holds data that is not the demo; use another --db or --reset")
