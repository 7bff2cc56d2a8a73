"""Reading the text out of an uploaded CV (PDF or DOCX), so the seeker can review it before it is saved.

The file's bytes decide what it is, not its name: a PDF starts with `%PDF-`, a DOCX is a ZIP holding
`word/document.xml`. A name that disagrees with the content is refused, and so is a file with no text in it
(a scanned image), because nothing useful could be matched against it.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from ..errors import ValidationFailed
from ..messages import msg

MAX_BYTES = 4 * 1024 * 1024          # the upload itself
MAX_PAGES = 30                        # a CV longer than this is not a CV
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # a DOCX that inflates beyond this is refused (zip bomb)
MAX_TEXT_CHARS = 20_000               # what is kept of the extracted text
MIN_TEXT_CHARS = 20                   # below this, the file has no usable text

EXTENSIONS = {"pdf": "pdf", "docx": "docx"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def sniff(data: bytes) -> str | None:
    """'pdf', 'docx' or None, from the content alone."""
    if data[:1024].lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def extract_text(filename: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The CV's plain text, tidied for review. Raises ValidationFailed({"cv": [...]}) saying what to do instead."""
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in EXTENSIONS:
        raise ValidationFailed({"cv": [msg("must be a PDF (.pdf) or Word (.docx) file")]})
    if not data:
        raise ValidationFailed({"cv": [msg("is empty; choose a PDF or Word file")]})
    if len(data) > max_bytes:
        raise ValidationFailed({"cv": [msg("is too large ({size} KB; at most {limit} KB)", size=len(data) // 1024,
                                           limit=max_bytes // 1024)]})
    kind = sniff(data)
    if kind != EXTENSIONS[extension]:
        raise ValidationFailed({"cv": [msg("is named .{extension} but is not a {kind} file; save it again as PDF "
                                           "or DOCX and upload that", extension=extension, kind=extension.upper())]})
    text = _pdf_text(data) if kind == "pdf" else _docx_text(data)
    text = tidy(text)
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise ValidationFailed({"cv": [msg("has no text we can read (a scanned image?); upload a PDF or DOCX with "
                                           "selectable text, or type your summary into the profile instead")]})
    return text[:MAX_TEXT_CHARS]


def tidy(text: str) -> str:
    """NFC, no control or invisible characters, single spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    unreadable = ValidationFailed({"cv": [msg("could not be read as a PDF; save it again as PDF and upload that")]})
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationFailed({"cv": [msg("is password-protected; upload a copy without a password")]})
        if len(reader.pages) > MAX_PAGES:
            raise ValidationFailed({"cv": [msg("has too many pages ({count}; at most {limit})", count=len(reader.pages),
                                                   limit=MAX_PAGES)]})
        parts = []
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT_CHARS * 2:
                break
        return "\n".join(parts)
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise unreadable from None


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise ValidationFailed({"cv": [msg("is too large once unpacked; save it again as a plain DOCX")]})
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise ValidationFailed({"cv": [msg("could not be read as a Word file; save it again as DOCX")]}) from None
    except Exception as exc:  # lxml raises its own parse errors for damaged XML
        if type(exc).__module__.startswith("lxml"):
            raise ValidationFailed({"cv": [msg("could not be read as a Word file; save it again as DOCX")]}) from None
        raise
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)
