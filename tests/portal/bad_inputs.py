"""A corpus of bad import files, built in code so that each says what it is: the kinds of
file an attacker or an unlucky clerk sends (issue 13). Each entry is ``(name, bytes)``;
the file name's suffix is how the portal is told the format."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def declared_everything(rows: list[list]) -> bytes:
    """The small workbook that declares the whole grid A1:XFD1048576 and formats its last
    cell: a reader that pads to the declared range builds a million rows of 16,384 cells."""
    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml)
        return xml.replace("</sheetData>",
                           '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    return rewrite_sheet(xlsx(rows), change)


def with_cell(rows: list[list], ref: str) -> bytes:
    """A workbook with one more text cell far away (``XFD1``, ``A1048576``)."""
    number = re.sub(r"\D", "", ref)
    cell = f'<row r="{number}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'

    def change(xml: str) -> str:
        if number == "1":
            return xml.replace("</row>", f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>',
                               1)
        return xml.replace("</sheetData>", cell + "</sheetData>")
    return rewrite_sheet(xlsx(rows), change)


HEADER = ["code", "name", "level", "parent_code"]


def corpus() -> list[tuple[str, bytes]]:
    """Files no importer may accept; none of them may leave a trace in the database."""
    long_cell = "x" * 200_000
    return [
        ("declared-grid.xlsx", declared_everything([HEADER, ["C", "江州市", "province", ""]])),
        ("wide.xlsx", with_cell([HEADER, ["C", "江州市", "city", ""]], "XFD1")),
        ("deep.xlsx", with_cell([HEADER, ["C", "江州市", "city", ""]], "A1048576")),
        ("not-a-zip.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("truncated.xlsx", xlsx([HEADER, ["C", "江州市", "city", ""]])[:700]),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("empty.csv", b""),
        ("header-only.csv", b"code,name,level,parent_code\r\n"),
        ("latin1.csv", "code,name,level\nC,Müller Straße Köln,city\n".encode("latin-1")),
        ("nul.csv", b"code,name,level\nC,Jiang\x00zhou,city\n"),
        ("long-cell.csv", f"code,name,level\nC,{long_cell},city\n".encode()),
        ("binary.csv", bytes(range(256)) * 8),
        ("year-inf.csv",
         b"cadre_code,year,grade,code,name,level,period,unit_code,indicator_code,value\n"
                         b"C0001,inf,excellent,C,x,inf,inf,C,I1,inf\n"),
        ("year-fraction.csv", b"cadre_code,year,grade\nC0001,2025.7,excellent\n"),
    ]
