"""The appointment form file (干部任免审批表, ``.lrmx``, formats-lrmx.md): reading and writing the
XML, and opening a zip of forms, with every bound checked before anything is parsed.

Pure: bytes in, ``LrmxForm`` (element name → text, family rows) out, and back. Where the
texts go in the database is ``cadres.appointment_forms``.

Safety: a file is at most ``MAX_FILE_BYTES``; a zip holds at most ``MAX_MEMBERS`` forms of
at most ``MAX_FILE_BYTES`` each (the sizes in the zip directory are checked before a byte
is inflated, and reading stops at the limit in case the directory lies). XML is parsed
with defusedxml, which refuses DTDs, entity declarations and external references, so
neither an entity expansion ("billion laughs") nor an external entity can be smuggled in.
Elements are a strict whitelist: an unknown element is an error naming it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from portal.i18n import _
from portal.tabular import RowProblem

MAX_FILE_BYTES = 5 * 1024 * 1024  # a form with a photo is well under 1 MB
MAX_MEMBERS = 2000  # a district's cadres
MAX_ZIP_TOTAL = 200 * 1024 * 1024  # inflated size of all forms in one zip
WRITER_VERSION = "3.2.1.6"  # the format version readers expect (formats-lrmx.md)

# The elements of Person in the order writers put them (formats-lrmx.md).
ELEMENTS = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu",
            "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu",
            "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou",
            "JiaTingChengYuan",
    "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng",
            "ZhaoPian",
    "Version",
)
FAMILY = "JiaTingChengYuan"
FAMILY_ITEM = "Item"
FAMILY_ELEMENTS = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao",
                   "GongZuoDanWeiJiZhiWu")
MULTILINE = ("JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou")


@dataclass(frozen=True)
class ElementProblem(RowProblem):
    """What is wrong with one element of a form: the file, the element, the value, why."""

    def __str__(self) -> str:
        values = {"file": self.file, "element": self.column, "reason": self.reason,
                  "value": self.value}
        if self.column and self.value not in ("", None):
            return _("%(file)s, element %(element)s: %(reason)s (“%(value)s”)", **values)
        if self.column:
            return _("%(file)s, element %(element)s: %(reason)s", **values)
        return _("%(file)s: %(reason)s", **values)


def problem(file: str, element: str, reason: str, value: str = "") -> ElementProblem:
    return ElementProblem(file, 0, element, value, reason)


@dataclass
class LrmxForm:
    """One form as text: ``fields`` maps each element of ``ELEMENTS`` (but the family) to its
    text, ``family`` holds up to ten rows mapping ``FAMILY_ELEMENTS`` to text."""

    fields: dict[str, str] = field(default_factory=dict)
    family: list[dict[str, str]] = field(default_factory=list)

    def get(self, element: str) -> str:
        return self.fields.get(element, "")


class FormProblems(Exception):
    """A form (or an archive) that cannot be read; ``problems`` names every element."""

    def __init__(self, problems: list[ElementProblem]):
        super().__init__(problems[0] if problems else "")
        self.problems = problems


# --- reading ----------------------------------------------------------------------------------

def _text(element: ElementTree.Element) -> str:
    """An element's text; ``<br/>`` children (some writers) become line breaks."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" + (child.tail or ""))
    return "".join(parts)


def parse_form(data: bytes, filename: str) -> LrmxForm:
    """Read one ``.lrmx``; ``FormProblems`` lists every element that is not acceptable."""
    name = PurePosixPath(filename).name
    if len(data) > MAX_FILE_BYTES:
        raise FormProblems([problem(name, "",
                                    _("the file is larger than %(n)s MB",
                                      n=MAX_FILE_BYTES // 2**20))])
    try:
        data = _as_utf8(data)
    except UnicodeDecodeError:
        raise FormProblems(
            [problem(name, "", _("declares a Chinese encoding but is not GBK text"))]
        ) from None
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise FormProblems([problem(name, "",
                                    _("the file declares a DTD or entities, which forms never "
                                                "need; it is not read"))]) from None
    except ElementTree.ParseError as error:
        raise FormProblems([problem(name, "", _("is not well-formed XML (line %(line)s)",
                                                line=error.position[0]))]) from None
    if root.tag != "Person":
        raise FormProblems([problem(name, root.tag, _("the root element must be Person"))])
    return _form_from(root, name)


GBK_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*encoding=["'])(gb2312|gbk|gb18030)(["'])""",
                             re.IGNORECASE)


def _as_utf8(data: bytes) -> bytes:
    """Older writers declare GB2312/GBK, which the XML parser cannot read: re-encode as UTF-8."""
    if not GBK_DECLARATION.match(data[:200]):
        return data
    return GBK_DECLARATION.sub(rb"\1UTF-8\3", data.decode("gb18030").encode("utf-8"), count=1)


def _form_from(root: ElementTree.Element, name: str) -> LrmxForm:
    form = LrmxForm()
    problems: list[ElementProblem] = []
    for child in root:
        tag = child.tag
        if tag not in ELEMENTS:
            problems.append(problem(name, str(tag), _("is not an element of the appointment form")))
        elif tag in form.fields or (tag == FAMILY and form.family):
            problems.append(problem(name, tag, _("appears twice")))
        elif tag == FAMILY:
            form.family = _family(child, name, problems)
        elif len(child) and (tag not in MULTILINE or any(c.tag != "br" for c in child)):
            problems.append(problem(name, tag, _("must hold text only")))
        else:
            form.fields[tag] = _text(child).strip()
    if problems:
        raise FormProblems(problems)
    return form


def _family(element: ElementTree.Element, name: str,
            problems: list[ElementProblem]) -> list[dict[str, str]]:
    rows = []
    for index, item in enumerate(element, start=1):
        where = f"{FAMILY}/{FAMILY_ITEM}[{index}]"
        if item.tag != FAMILY_ITEM:
            problems.append(problem(name, f"{FAMILY}/{item.tag}",
                                    _("is not an element of the appointment form")))
            continue
        row: dict[str, str] = {}
        for part in item:
            if part.tag not in FAMILY_ELEMENTS:
                problems.append(problem(name, f"{where}/{part.tag}",
                                        _("is not an element of the appointment form")))
            elif len(part):
                problems.append(problem(name, f"{where}/{part.tag}", _("must hold text only")))
            else:
                row[part.tag] = (part.text or "").strip()
        if any(row.values()):
            rows.append(row)
    if len(rows) > 10:
        problems.append(problem(name, FAMILY, _("lists %(n)s people; the form has room for %(max)s",
                                                n=len(rows), max=10)))
    return rows


@dataclass(frozen=True)
class FormFile:
    name: str
    data: bytes


def open_upload(data: bytes, filename: str) -> list[FormFile]:
    """The forms in an upload: one ``.lrmx`` or a ``.zip`` of them, bounds checked first."""
    name = PurePosixPath(filename).name
    if not data.startswith(b"PK\x03\x04") and not name.lower().endswith(".zip"):
        if len(data) > MAX_FILE_BYTES:
            raise FormProblems([problem(name, "", _("the file is larger than %(n)s MB",
                                                    n=MAX_FILE_BYTES // 2**20))])
        return [FormFile(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and not m.filename.startswith("__MACOSX/")
        ]
    except (zipfile.BadZipFile, ValueError):
        raise FormProblems([problem(name, "", _("is not a readable zip file"))]) from None
    problems = _archive_problems(name, members)
    if problems:
        raise FormProblems(problems)
    forms = []
    for member in members:
        with archive.open(member) as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:  # the directory understated the size
            raise FormProblems([problem(f"{name}/{member.filename}", "",
                                        _("the file is larger than %(n)s MB",
                                          n=MAX_FILE_BYTES // 2**20))])
        forms.append(FormFile(f"{name}/{member.filename}", content))
    return forms


def _archive_problems(name: str, members: list[zipfile.ZipInfo]) -> list[ElementProblem]:
    if not members:
        return [problem(name, "", _("the zip holds no .lrmx files"))]
    if len(members) > MAX_MEMBERS:
        return [problem(name, "", _("the zip holds %(n)s files; at most %(max)s are read at once",
                                    n=len(members), max=MAX_MEMBERS))]
    problems = []
    for member in members:
        where = f"{name}/{member.filename}"
        if not member.filename.lower().endswith(".lrmx"):
            problems.append(problem(where, "", _("only .lrmx files are read from a zip")))
        elif member.file_size > MAX_FILE_BYTES:
            problems.append(problem(where, "",
                                    _("the file is larger than %(n)s MB",
                                      n=MAX_FILE_BYTES // 2**20)))
    if sum(m.file_size for m in members) > MAX_ZIP_TOTAL:
        problems.append(problem(name, "", _("the files in the zip add up to more than %(n)s MB",
                                            n=MAX_ZIP_TOTAL // 2**20)))
    return problems


# --- writing ----------------------------------------------------------------------------------

def write_form(form: LrmxForm) -> bytes:
    """The form as UTF-8 XML, elements in the usual order, every element present."""
    root = ElementTree.Element("Person")
    for tag in ELEMENTS:
        child = ElementTree.SubElement(root, tag)
        if tag == FAMILY:
            for row in form.family:
                item = ElementTree.SubElement(child, FAMILY_ITEM)
                for part in FAMILY_ELEMENTS:
                    ElementTree.SubElement(item, part).text = row.get(part, "")
        else:
            child.text = form.get(tag)
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def write_archive(forms: list[tuple[str, bytes]]) -> bytes:
    """A zip of forms (``[(file name, content)]``), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in forms:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()
