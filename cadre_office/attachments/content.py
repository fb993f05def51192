"""Telling a file's type by its content (magic bytes), not by its name.

The allowed types are the documents a personnel office files: PDF, OFD (the national layout
format), Word and Excel (OOXML and the legacy OLE forms), JPEG and PNG. A file is accepted only
when its content is one of them AND its extension names that same type: an HTML page or an SVG
renamed ``.pdf`` is refused, and so is anything whose head carries markup or script (a polyglot
that starts like a PDF but holds ``<html>`` or ``<script>``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

# How much of the head is read to look for markup: enough for a polyglot's prefix.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    """An allowed type: its ``key``, the extensions that name it, the content type served, a label."""

    key: str
    extensions: tuple[str, ...]
    content_type: str
    label: str


TYPES = {t.key: t for t in (
    FileType("pdf", ("pdf",), "application/pdf", "PDF"),
    FileType("ofd", ("ofd",), "application/ofd", "OFD"),
    FileType("docx", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    FileType("xlsx", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    FileType("ole", ("doc", "xls"), "application/octet-stream", "Word/Excel（97-2003）"),
    FileType("jpeg", ("jpg", "jpeg"), "image/jpeg", "JPG"),
    FileType("png", ("png",), "image/png", "PNG"),
)}
EXTENSIONS = frozenset(ext for t in TYPES.values() for ext in t.extensions)

# Markup and script that a browser would render or run, looked for in the head (case-insensitive).
ACTIVE_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml-stylesheet", b"<body", b"<iframe",
                  b"javascript:", b"<head", b"<meta")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def has_active_content(head: bytes) -> bool:
    """Return whether ``head`` holds HTML, SVG or script markup."""
    lowered = head.lower()
    return any(marker in lowered for marker in ACTIVE_MARKERS)


def _zip_kind(file) -> str | None:
    """Return "docx", "xlsx" or "ofd" for an OOXML or OFD package, else None (not a document zip)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        return None
    if "OFD.xml" in names:
        return "ofd"
    return None


def sniff(file) -> str | None:
    """Return the key of the allowed type ``file``'s content is, or None (unknown or not allowed).

    Reads the head of the file (and the zip's directory for OOXML/OFD); leaves it at position 0.
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if has_active_content(head):
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    return None


def extension_of(name: str) -> str:
    """Return the lower-case extension of ``name`` without its dot ("" when it has none)."""
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base else ""
