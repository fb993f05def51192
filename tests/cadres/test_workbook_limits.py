"""Workbook sizes checked before parsing (docs/security.md items 20 and 36; issue 10 item 7).

An attack uploaded a 19.6 MB workbook declaring 3.9 million blank rows, which held a web worker for
53 s and 495 MB. ``inspect_workbook`` streams through the zip and refuses it before openpyxl parses
anything; these tests craft such workbooks (and the ways around a first check) and time the refusal.
"""

import io
import re
import tracemalloc
import zipfile
from unittest import mock

import pytest

from cadres import messages
from cadres.roster_workbook import WorkbookRejected, WorkbookShape, inspect_workbook, read_roster
from tests.cadres.workbooks import build_roster, valid_row, valid_rows

SHEET = "xl/worksheets/sheet1.xml"


def rewrite(content: bytes, part: str, change) -> bytes:
    """Return the workbook ``content`` with ``part`` replaced by ``change(old_bytes)`` (bytes, or chunks)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != part:
                out.writestr(info.filename, data)
                continue
            new = change(data)
            with out.open(part, "w") as handle:
                for piece in ([new] if isinstance(new, bytes) else new):
                    handle.write(piece)
    return buffer.getvalue()


def blank_rows_workbook(blank_rows: int, *, dimension: str | None = "declare", data_rows: int = 10) -> bytes:
    """Return a roster of ``data_rows`` rows followed by ``blank_rows`` rows holding one empty styled cell.

    ``dimension`` "declare" makes ``<dimension>`` span them all, None removes it, any other text replaces it.
    """
    def change(xml: bytes):
        last = data_rows + 1 + blank_rows
        ref = {"declare": f"A1:Z{last}"}.get(dimension, dimension)
        if dimension is None:
            xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        else:
            xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)
        head, tail = xml.split(b"</sheetData>")
        yield head
        for start in range(data_rows + 2, last + 1, 10_000):
            yield "".join(f'<row r="{r}" spans="1:26"><c r="A{r}" s="0"/></row>'
                          for r in range(start, min(start + 10_000, last + 1))).encode()
        yield b"</sheetData>" + tail

    return rewrite(build_roster(valid_rows(data_rows)), SHEET, change)


def refused(content: bytes, **kwargs) -> str:
    with pytest.raises(WorkbookRejected) as excinfo:
        read_roster(io.BytesIO(content), **kwargs)
    return str(excinfo.value)


@pytest.fixture
def no_parsing():
    """Fail the test if openpyxl is asked to load the workbook."""
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("openpyxl parsed the workbook")) as load:
        yield load


# --- the attack: millions of blank rows ----------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["declare", None], ids=["declared", "without-dimension"])
def test_a_20_mb_workbook_of_3_9_million_blank_rows_is_refused_without_building_them(dimension, no_parsing):
    content = blank_rows_workbook(3_900_000, dimension=dimension)
    assert 15_000_000 < len(content) < 20 * 1024 * 1024  # under the upload limit, as in the attack
    message = refused(content)
    if dimension:
        assert message == messages.IMPORT_DECLARED_TOO_MANY_ROWS.format(rows=3_900_011, limit=400_002)
    else:
        assert message == messages.IMPORT_SHEET_TOO_MANY_ROWS.format(limit=400_002)
    # Before: openpyxl built every row, 23 s and 420 MB on the development machine (53 s, 495 MB in the attack).
    # What keeps it fast is checked without a clock (a timed test fails on a loaded machine): openpyxl is
    # never asked to load the sheet, and the memory stays bounded.
    no_parsing.assert_not_called()
    if dimension is None:
        return  # memory: traced below for the declared dimension only (tracing 400,000 rows takes 10 s)
    tracemalloc.start()
    refused(content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


def test_the_declared_dimension_counts_blank_rows_up_to_twice_the_row_limit(settings):
    settings.ROSTER_UPLOAD_MAX_ROWS = 10
    assert len(read_roster(io.BytesIO(blank_rows_workbook(10, data_rows=10))).rows) == 10  # 21 rows of 22
    assert refused(blank_rows_workbook(12, data_rows=10)) == messages.IMPORT_DECLARED_TOO_MANY_ROWS.format(
        rows=23, limit=22)


def test_a_dimension_claiming_fewer_rows_than_the_sheet_has_neither_hides_rows_nor_lets_them_past_the_limit(
    settings,
):
    content = rewrite(build_roster(valid_rows(10)), SHEET,
                      lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Z2"/>', xml))
    assert len(read_roster(io.BytesIO(content)).rows) == 10  # openpyxl alone stops at row 2: one cadre
    settings.ROSTER_UPLOAD_MAX_ROWS = 3
    lying = blank_rows_workbook(5, dimension="A1:Z2", data_rows=3)
    assert refused(lying) == messages.IMPORT_SHEET_TOO_MANY_ROWS.format(limit=8)


@pytest.mark.parametrize("number", ["3900000", "3.9e6", " 3900000 "])
def test_one_row_numbered_in_the_millions_is_refused_openpyxl_would_pad_up_to_it(number, no_parsing):
    def jump(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(b"</sheetData>", f'<row r="{number}"><c r="A3900000" s="0"/></row></sheetData>'.encode())

    assert refused(rewrite(build_roster(valid_rows(2)), SHEET, jump)) == messages.IMPORT_SHEET_TOO_MANY_ROWS.format(
        limit=400_002)


def test_a_row_number_hidden_behind_a_quoted_one_is_still_seen(no_parsing):
    def hide(xml: bytes) -> bytes:
        row = b'<row foo=\' r="3" \' r="3900000"><c r="A9"/></row>'
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    assert "超过上限" in refused(rewrite(build_roster(valid_rows(2)), SHEET, hide))


def test_rows_with_a_namespace_prefix_are_counted(settings, no_parsing):
    settings.ROSTER_UPLOAD_MAX_ROWS = 2

    def prefixed(xml: bytes) -> bytes:
        rows = "".join(f'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="{r}"/>'
                       for r in range(10, 20))
        return re.sub(rb"<dimension [^>]*/>", b"", xml).replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    assert "超过上限" in refused(rewrite(build_roster(valid_rows(2)), SHEET, prefixed))


# --- other shapes of a workbook too big for its size -------------------------------------------------


def test_entities_are_refused_they_could_expand_into_rows_nobody_counted(no_parsing):
    def doctype(xml: bytes) -> bytes:
        return b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY r "<row/>">]>' + xml

    assert refused(rewrite(build_roster(valid_rows(2)), SHEET, doctype)) == messages.IMPORT_UNREADABLE


def test_a_row_of_megabytes_is_refused(no_parsing):
    def long_row(xml: bytes) -> bytes:
        cells = b"".join(b'<c r="A3"/>' for _ in range(120_000))
        return xml.replace(b"</sheetData>", b'<row r="30">' + cells + b"</row></sheetData>")

    assert refused(rewrite(build_roster(valid_rows(2)), SHEET, long_row)) == messages.IMPORT_ROW_TOO_LONG.format(
        row=30)


def test_a_part_openpyxl_reads_whole_may_not_be_huge(monkeypatch, no_parsing):
    from cadres import roster_workbook

    monkeypatch.setattr(roster_workbook, "MAX_PART_BYTES", 4096)
    padded = rewrite(build_roster(valid_rows(2)), "xl/styles.xml",
                     lambda xml: xml.replace(b"</styleSheet>", b"<!--" + b"x" * 8000 + b"--></styleSheet>"))
    assert refused(padded) == messages.IMPORT_UNREADABLE


def test_too_many_shared_strings_are_refused(settings, no_parsing):
    """Excel keeps text in a shared table openpyxl reads whole: at most one entry per cell of the rows allowed."""
    settings.ROSTER_UPLOAD_MAX_ROWS = 1
    from cadres.roster_workbook import COLUMNS

    # One more entry than the cells of the header and the one row allowed.
    strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(2 * len(COLUMNS) + 1))
    table = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + strings + b"</sst>")
    content = build_roster(valid_rows(1))
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            out.writestr(info.filename, data)
        out.writestr("xl/sharedStrings.xml", table)
    assert refused(buffer.getvalue()) == messages.IMPORT_TOO_MANY_STRINGS


def test_a_second_sheet_without_a_dimension_is_counted_too(settings, no_parsing):
    """openpyxl finds the size of every sheet; without a dimension it reads the whole sheet to do so."""
    from openpyxl import Workbook

    settings.ROSTER_UPLOAD_MAX_ROWS = 2
    workbook = Workbook(write_only=True)  # write-only sheets have no dimension
    first = workbook.create_sheet("花名册")
    first.append(["姓名"])
    second = workbook.create_sheet("说明")
    for n in range(20):
        second.append([n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "超过上限" in refused(buffer.getvalue())


def test_a_cell_far_to_the_right_does_not_widen_every_row():
    def far(xml: bytes) -> bytes:
        return re.sub(rb'(<row r="2"[^>]*>)', rb'\1<c r="XFD2" t="inlineStr"><is><t>x</t></is></c>', xml, count=1)

    parsed = read_roster(io.BytesIO(rewrite(build_roster([valid_row(0), valid_row(1)]), SHEET, far)))
    assert [row.row for row in parsed.rows] == [2, 3]


def test_a_truncated_sheet_is_unreadable_not_a_500():
    content = rewrite(build_roster(valid_rows(3)), SHEET, lambda xml: xml[: xml.index(b"</sheetData>") - 40])
    assert refused(content) == messages.IMPORT_UNREADABLE


# --- the shape decides where the preview runs -------------------------------------------------------


def test_the_shape_of_a_workbook_is_measured_without_parsing(no_parsing):
    shape = inspect_workbook(io.BytesIO(build_roster(valid_rows(30))))
    assert shape.declared_rows == shape.sheet_rows == 31
    assert shape.data_rows == 30
    assert shape.shared_strings == 0  # openpyxl writes inline strings
    assert shape.fits(30) and not shape.fits(29)


def test_a_large_declared_dimension_or_string_table_makes_a_workbook_large():
    small = WorkbookShape(declared_rows=None, sheet_rows=11, sheet_bytes=20_000, shared_strings=50)
    assert small.fits(10)
    assert not WorkbookShape(declared_rows=5_000, sheet_rows=11, sheet_bytes=20_000, shared_strings=50).fits(10)
    assert not WorkbookShape(declared_rows=None, sheet_rows=11, sheet_bytes=20_000, shared_strings=10_000).fits(10)
    assert not WorkbookShape(declared_rows=None, sheet_rows=11, sheet_bytes=10**8, shared_strings=50).fits(10)
