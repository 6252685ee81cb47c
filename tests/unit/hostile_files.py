"""Deterministic factories for workbook files, well-formed and hostile, built in memory.

Layer: tests. Each factory returns bytes; the hostile ones reproduce the files that make
python-calamine 0.9.1 abort or allocate without bound (see NOTES.md, "Excel").
"""

from __future__ import annotations

import datetime
import io
import struct
import warnings
import zipfile
import zlib

from openpyxl import Workbook

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SECTOR = 512
MB = 1024 * 1024

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def png_bytes() -> bytes:
    """The signature and IHDR chunk of a 1x1 PNG: a picture uploaded by mistake."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def csv_bytes() -> bytes:
    """A results table saved as CSV, in Latin American style."""
    return "país;indicador;año;valor\nARG;LEC;2023;45,3\n".encode()


def _dir_entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
    """One 128-byte directory entry: name, type, red-black links, first sector and size."""
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    head = encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
    links = struct.pack("<III", NOSTREAM, right, child) + bytes(16 + 4 + 16)
    return head + links + struct.pack("<IQ", start, size)


def cfb_bytes(streams: dict[str, bytes], *, loop_directory: bool = False) -> bytes:
    """A version-3 compound file (OLE2) holding STREAMS; each is padded past the mini-stream cutoff."""
    bodies = [data.ljust(4096, b"\x00") for data in streams.values()]
    counts = [-(-len(body) // SECTOR) for body in bodies]
    fat = [FATSECT, 1 if loop_directory else ENDOFCHAIN]
    for count in counts:
        first = len(fat)
        fat += [*range(first + 1, first + count), ENDOFCHAIN]
    if len(fat) > SECTOR // 4 or len(streams) > 3:
        raise ValueError("this small writer holds one FAT sector and one directory sector")
    entries = [_dir_entry("Root Entry", 5, ENDOFCHAIN, 0, 1 if streams else NOSTREAM, NOSTREAM)]
    start = 2
    for index, (name, count) in enumerate(zip(streams, counts, strict=True), start=1):
        right = index + 1 if index < len(streams) else NOSTREAM
        entries.append(_dir_entry(name, 2, start, len(bodies[index - 1]), NOSTREAM, right))
        start += count
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0
    )
    header += struct.pack("<109I", 0, *[FREESECT] * 108)
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *fat, *[FREESECT] * (SECTOR // 4 - len(fat)))
    directory = b"".join(entries).ljust(SECTOR, b"\x00")
    padded = b"".join(body.ljust(count * SECTOR, b"\x00") for body, count in zip(bodies, counts, strict=True))
    return header + fat_sector + directory + padded


def encrypted_ooxml() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with encryption streams."""
    info = struct.pack("<HHI", 4, 4, 0x40) + "<encryption/>".encode("utf-16-le")
    return cfb_bytes({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 8) + bytes(8)})


def looping_ole() -> bytes:
    """An .xls whose directory sector chain points back at itself (readers follow it forever)."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    return cfb_bytes({"Workbook": bof}, loop_directory=True)


def encrypted_xls() -> bytes:
    """A password-protected .xls: BOF, then FILEPASS (RC4), as Excel 97-2003 writes it."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    filepass = struct.pack("<HHHHH", 0x002F, 54, 1, 1, 1) + bytes(48)
    return cfb_bytes({"Workbook": bof + filepass})


def zip_bytes(members: list[tuple[str, bytes]], *, level: int = 6) -> bytes:
    """A zip of MEMBERS in order; repeated names are written as given."""
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf,
    ):
        warnings.simplefilter("ignore")
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def _package(sheet_xml: bytes, main_type: str, shared_strings: bytes | None) -> list[tuple[str, bytes]]:
    """The members of a minimal one-sheet workbook package around SHEET_XML."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{WORKSHEET_CT}"/>'
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_CT}"/>' if shared_strings else "")
        + "</Types>"
    )
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    root_rels = f'{rels}<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    book_rels = f'{rels}<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings:
        book_rels += f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    book = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="results" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    members = [
        ("[Content_Types].xml", types.encode()),
        ("_rels/.rels", (root_rels + "</Relationships>").encode()),
        ("xl/workbook.xml", book.encode()),
        ("xl/_rels/workbook.xml.rels", (book_rels + "</Relationships>").encode()),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ]
    if shared_strings is not None:
        members.append(("xl/sharedStrings.xml", shared_strings))
    return members


def sheet_xml(cells: str, *, dimension: str | None = None) -> bytes:
    """A worksheet whose sheetData is the raw XML CELLS (rows included)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{cells}</sheetData></worksheet>'.encode()


def raw_xlsx(
    sheet: bytes, *, shared_strings: bytes | None = None, macro: bool = False, level: int = 6
) -> bytes:
    """A minimal one-sheet .xlsx (or .xlsm) around the raw worksheet XML SHEET."""
    return zip_bytes(_package(sheet, XLSM_MAIN if macro else XLSX_MAIN, shared_strings), level=level)


def small_sheet() -> bytes:
    """Two rows of ordinary cells."""
    return sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>')


def huge_dimension_xlsx() -> bytes:
    """A sheet that declares 1,048,576 rows in its dimension but holds one cell."""
    return raw_xlsx(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:J1048576"))


def far_cell_xlsx() -> bytes:
    """One cell at XFD1048576, the last cell of a sheet: dense readers allocate every cell before it."""
    return raw_xlsx(far_cell_xlsx_sheet())


def lying_shared_strings_xlsx() -> bytes:
    """A shared-strings table announcing four billion strings while holding two."""
    sst = (
        f'<sst xmlns="{MAIN_NS}" count="4000000000" uniqueCount="4000000000">'
        "<si><t>a</t></si><si><t>b</t></si></sst>"
    )
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return raw_xlsx(sheet_xml(cells), shared_strings=sst.encode())


def _patch_sizes(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size NAME declares in its local and central headers."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", out, at + length_at)[0]
            if out[at + name_at : at + name_at + length] == encoded:
                struct.pack_into("<I", out, at + size_at, size)
            at = out.find(signature, at + 4)
    return bytes(out)


def declared_huge_xlsx() -> bytes:
    """A small .xlsx whose sheet member claims to unpack to 4 GB."""
    return _patch_sizes(raw_xlsx(small_sheet()), "xl/worksheets/sheet1.xml", 0xF0000000)


def deflate_bomb_xlsx(unpacked_mb: int, *, declared_bytes: int | None = None) -> bytes:
    """An .xlsx whose sheet inflates to UNPACKED_MB of blanks, streamed so memory stays small."""
    head, tail = sheet_xml("").split(b"<sheetData>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in _package(b"", XLSX_MAIN, None)[:-1]:
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(head + b"<sheetData>")
            block = b" " * MB
            for _ in range(unpacked_mb):
                member.write(block)
            member.write(tail)
    data = buffer.getvalue()
    if declared_bytes is not None:
        data = _patch_sizes(data, "xl/worksheets/sheet1.xml", declared_bytes)
    return data


def many_members_zip(count: int) -> bytes:
    """A zip with COUNT tiny members beside a real workbook's."""
    extra = [(f"xl/media/pad{i}.bin", b"") for i in range(count)]
    return zip_bytes(_package(small_sheet(), XLSX_MAIN, None) + extra, level=1)


def openpyxl_xlsx(sheets: dict[str, list[list[object]]], *, hidden: tuple[str, ...] = ()) -> bytes:
    """An .xlsx written by openpyxl, one sheet per entry; formulas are saved without values."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        ws.sheet_state = "hidden" if name in hidden else "visible"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SAMPLE_ROWS: list[list[object]] = [
    ["país", "indicador", "año", "valor", "fecha", "nota"],
    ["ARG", "Lectura básica", 2023, 45.25, datetime.date(2024, 3, 1), "señal ñandú"],
    ["BRA", "Matemática", 2022, 7, datetime.datetime(2024, 3, 1, 10, 30), None],
    ["URY", None, 2021, -0.5, None, "último"],
]


def rezip(data: bytes, changes: dict[str, bytes]) -> bytes:
    """DATA's members in order with CHANGES applied; new names go at the end."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info.filename, changes.get(info.filename) or zf.read(info)) for info in zf.infolist()]
    known = {name for name, _ in members}
    return zip_bytes(members + [(name, body) for name, body in changes.items() if name not in known])


def as_xlsm(data: bytes) -> bytes:
    """The .xlsx DATA turned into an .xlsm: macro-enabled content type and a VBA project part."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml").replace(XLSX_MAIN.encode(), XLSM_MAIN.encode())
    vba = cfb_bytes({"VBA": b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nEnd Sub\r\n'})
    return rezip(data, {"[Content_Types].xml": types, "xl/vbaProject.bin": vba})


def duplicate_member_xlsx() -> bytes:
    """Two members named like the sheet: each reader picks one, silently."""
    second = sheet_xml('<row r="1"><c r="A1"><v>666</v></c></row>')
    return zip_bytes([*_package(small_sheet(), XLSX_MAIN, None), ("xl/worksheets/sheet1.xml", second)])


def encrypted_ods() -> bytes:
    """An .ods saved with a password: its manifest describes the encryption of content.xml."""
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    mime = b"application/vnd.oasis.opendocument.spreadsheet"
    return zip_bytes(
        [("mimetype", mime), ("META-INF/manifest.xml", manifest.encode()), ("content.xml", bytes(64))]
    )


def padded_far_cell_xlsx() -> bytes:
    """A far cell in a sheet whose root element sits after 8 KB of comment, past any quick peek."""
    return raw_xlsx(b"<!--" + b" " * 8192 + b"-->" + far_cell_xlsx_sheet())


def far_cell_xlsx_sheet() -> bytes:
    """The worksheet XML of far_cell_xlsx."""
    return sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def minimal_ods(rows: list[list[object]], *, sheet: str = "resultados") -> list[tuple[str, bytes]]:
    """The members of a small OpenDocument spreadsheet (mimetype, manifest, content.xml) holding ROWS."""

    def cell(value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
        if value is None:
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    body = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    entry = '<manifest:file-entry manifest:full-path="{}" manifest:media-type="{}"/>'
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        + entry.format("/", "application/vnd.oasis.opendocument.spreadsheet")
        + entry.format("content.xml", "text/xml")
        + "</manifest:manifest>"
    )
    return [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.encode()),
        ("content.xml", content.encode()),
    ]
