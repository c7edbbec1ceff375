"""Code lists of the national data elements (GB/T 14946.1/.2-2019) that the cadre record uses.

A record stores the code and shows the name, as the standard asks; import files and
``.lrmx`` forms carry names, so ``parse`` accepts a code, the name or a common spelling.
Only the codes the record needs are listed, each from the classification GB/T 14946.2
refers to:

- ethnicity (民族): GB/T 3304-1991, all 56 nationalities (two digits).
- education (学历): GB/T 4658-2006, the level codes (10 研究生 … 70 初中) with the short
  names the appointment form uses (研究生, 大学, 大专 …), not the graduated/incomplete detail.
- degree (学位): GB/T 6864-2003, doctor 2xx / master 3xx / bachelor 4xx by discipline
  (xx: 01 哲学 … 12 管理学), e.g. 403 法学学士.
- health (健康状况): GB/T 2261.3-2003, the four top codes; forms write 健康 for code 1.
- political status (政治面貌): GB/T 4762-1984, 01 中共党员 … 13 群众, with the short names
  forms use (the full names are accepted too).

Names are Chinese in every language: they are the standard's own terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodeList:
    """One classification: code → name, plus other spellings accepted on import."""

    name: str
    standard: str
    names: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)

    def label(self, code: str | None) -> str:
        """The name of ``code`` ("" for no code; the code itself if unknown)."""
        if not code:
            return ""
        return self.names.get(code, code)

    def parse(self, value: str) -> str:
        """The code for a code, a name or an alias; ``ValueError`` when none matches."""
        raw = "".join(str(value).split())
        if raw in self.names:
            return raw
        for code, name in self.names.items():
            if raw == name:
                return code
        if raw in self.aliases:
            return self.aliases[raw]
        raise ValueError(raw)

    def options(self) -> list[dict[str, str]]:
        return [{"label": name, "value": code} for code, name in self.names.items()]


_NATIONALITIES = [  # in the order of GB/T 3304: 01 汉族 … 56 基诺族
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
                  "土家", "哈尼", "哈萨克", "傣", "黎",
    "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔",
                  "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固",
                  "京", "塔塔尔", "独龙", "鄂伦春", "赫哲",
    "门巴", "珞巴", "基诺",
]

ETHNICITY = CodeList(
    "ethnicity",
    "GB/T 3304-1991",
    {f"{number:02d}": f"{name}族" for number, name in enumerate(_NATIONALITIES, start=1)},
    {"汉": "01", "蒙族": "02", "维族": "05"},
)

EDUCATION = CodeList(
    "education",
    "GB/T 4658-2006",
    {"10": "研究生", "20": "大学", "30": "大专", "40": "中专", "60": "高中", "70": "初中"},
    {
        "研究生教育": "10",
        "博士研究生": "10",
        "硕士研究生": "10",
        "博士": "10",
        "硕士": "10",
        "大学本科": "20",
        "本科": "20",
        "大学本科毕业": "20",
        "大学专科": "30",
        "专科": "30",
        "中等专业学校": "40",
        "中技": "40",
        "普通高级中学": "60",
        "高中毕业": "60",
        "初级中学": "70",
        "初中及以下": "70",
    },
)

_DISCIPLINES = (
    "哲学",
    "经济学",
    "法学",
    "教育学",
    "文学",
    "历史学",
    "理学",
    "工学",
    "农学",
    "医学",
    "军事学",
    "管理学",
)
_LEVELS = (("2", "博士"), ("3", "硕士"), ("4", "学士"))

DEGREE = CodeList(
    "degree",
    "GB/T 6864-2003",
    {
        f"{level}{number:02d}": f"{discipline}{title}"
        for level, title in _LEVELS
        for number, discipline in enumerate(_DISCIPLINES, start=1)
    },
)

HEALTH = CodeList(
    "health",
    "GB/T 2261.3-2003",
    {"1": "健康", "2": "一般或较弱", "3": "有慢性病", "6": "残疾"},
    {"健康或良好": "1", "良好": "1", "一般": "2", "较弱": "2", "慢性病": "3"},
)

POLITICAL_STATUS = CodeList(
    "political_status",
    "GB/T 4762-1984",
    {
        "01": "中共党员",
        "02": "中共预备党员",
        "03": "共青团员",
        "04": "民革党员",
        "05": "民盟盟员",
        "06": "民建会员",
        "07": "民进会员",
        "08": "农工党党员",
        "09": "致公党党员",
        "10": "九三学社社员",
        "11": "台盟盟员",
        "12": "无党派人士",
        "13": "群众",
    },
    {
        "中国共产党党员": "01",
        "党员": "01",
        "中国共产党预备党员": "02",
        "预备党员": "02",
        "中国共产主义青年团团员": "03",
        "团员": "03",
        "无党派民主人士": "12",
        "无党派": "12",
    },
)
