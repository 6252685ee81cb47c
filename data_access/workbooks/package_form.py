"""Zipped workbooks that Excel or LibreOffice open but python-calamine refuses: member paths written
with backslashes (some Windows tools), XML parts saved as UTF-16 (some exporters), and a main
workbook part under another name than xl/workbook.xml (the package's relationships say where it
is; calamine only looks there), and an OpenDocument spreadsheet without its `mimetype` or
manifest member (some third-party writers). Such a package is rewritten to the standard form
before it is read: forward slashes, UTF-8 parts, the workbook part where calamine looks, the
OpenDocument members in place.

Layer: data_access. Runs after the zip directory passed its size checks (check_zip_directory),
so what it inflates is bounded; the rewritten package goes through every check a normal one does.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from data_access.workbooks.problems import Code, WorkbookError

SMALL = 1024 * 1024  # enough of a manifest or of content.xml to see what it is

XML_SUFFIXES = (".xml", ".rels", ".vml")
DECLARATION_RE = re.compile(r"""^<\?xml[^>]*encoding=["'][^"']*["']""")
BACKSLASHES, UTF16, PART_NAME = "backslash-paths", "utf-16-parts", "workbook-part-name"
ODS_MEMBERS = "ods-members"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = "META-INF/manifest.xml"
MINIMAL_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    b'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="'
    + ODS_MIME
    + b'"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)
MAIN, MAIN_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
OFFICE_DOCUMENT_RE = re.compile(rb'<Relationship\b[^>]*Type="[^"]*/officeDocument"[^>]*>')
TARGET_RE = re.compile(rb'Target="/?(xl/[^"/]+\.xml)"')


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec a part starts in (BOM, or "<?" without one), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    return None


def _as_utf8(data: bytes, codec: str) -> bytes:
    text = data.decode(codec)
    text = DECLARATION_RE.sub(
        lambda m: re.sub(r"""encoding=["'][^"']*["']""", 'encoding="UTF-8"', m[0]), text
    )
    return text.encode("utf-8")


def standard_form(zf: zipfile.ZipFile) -> tuple[bytes, tuple[str, ...]] | None:
    """ZF rewritten with forward-slash paths and UTF-8 parts, with what was changed; None when it
    is already in that form (the common case: nothing is inflated beyond a few bytes per part)."""
    infos = zf.infolist()
    slashes = any("\\" in info.filename for info in infos)
    codecs_by_name = {}
    for info in infos:
        if info.filename.lower().endswith(XML_SUFFIXES):
            with zf.open(info) as member:
                codec = _utf16(member.read(4))
            if codec:
                codecs_by_name[info.filename] = codec
    main = _main_part(zf, codecs_by_name)
    ods_missing = _ods_missing(zf)
    if not slashes and not codecs_by_name and not main and not ods_missing:
        return None
    renames = {main: MAIN, main.replace("xl/", "xl/_rels/", 1) + ".rels": MAIN_RELS} if main else {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        if "mimetype" in ods_missing:  # first and stored, as the OpenDocument package wants it
            target.writestr("mimetype", ODS_MIME, compress_type=zipfile.ZIP_STORED)
        for info in infos:
            body = zf.read(info)
            if info.filename in codecs_by_name:
                try:
                    body = _as_utf8(body, codecs_by_name[info.filename])
                except UnicodeDecodeError:
                    raise WorkbookError(Code.CORRUPT_FILE) from None
            name = info.filename.replace("\\", "/")
            if main and name in ("_rels/.rels", "[Content_Types].xml"):
                body = body.replace(b"/" + main.encode(), b"/" + MAIN.encode()).replace(
                    b'"' + main.encode() + b'"', b'"' + MAIN.encode() + b'"'
                )
            target.writestr(renames.get(name, name), body)
        if MANIFEST in ods_missing:
            target.writestr(MANIFEST, MINIMAL_MANIFEST)
    fixes = (BACKSLASHES,) * slashes + (UTF16,) * bool(codecs_by_name) + (PART_NAME,) * bool(main)
    return out.getvalue(), fixes + (ODS_MEMBERS,) * bool(ods_missing)


def _ods_missing(zf: zipfile.ZipFile) -> tuple[str, ...]:
    """The `mimetype` or manifest member an OpenDocument spreadsheet lacks (a spreadsheet by its
    content.xml or its manifest); () for anything else."""
    names = {info.filename.replace("\\", "/"): info for info in zf.infolist()}
    if "content.xml" not in names:
        return ()
    missing = tuple(name for name in ("mimetype", MANIFEST) if name not in names)
    if not missing:
        return ()
    if "mimetype" in names:
        spreadsheet = zf.read(names["mimetype"]).strip() == ODS_MIME
    elif MANIFEST in names:
        spreadsheet = ODS_MIME + b'"' in zf.read(names[MANIFEST])[:SMALL]
    else:
        with zf.open(names["content.xml"]) as content:
            spreadsheet = b"<office:spreadsheet" in content.read(SMALL)
    return missing if spreadsheet else ()


def _main_part(zf: zipfile.ZipFile, codecs_by_name: dict[str, str]) -> str | None:
    """The workbook part the package's relationships name, when it sits in xl/ under another name
    than workbook.xml and nothing is already there; else None."""
    names = {info.filename.replace("\\", "/"): info for info in zf.infolist()}
    rels = names.get("_rels/.rels")
    if rels is None or MAIN in names:
        return None
    body = zf.read(rels)
    if rels.filename in codecs_by_name:
        try:
            body = _as_utf8(body, codecs_by_name[rels.filename])
        except UnicodeDecodeError:
            return None  # refused as corrupt when the part is rewritten
    tag = OFFICE_DOCUMENT_RE.search(body)
    target = TARGET_RE.search(tag[0]) if tag else None
    part = target[1].decode() if target else None
    return part if part in names and part != MAIN else None
