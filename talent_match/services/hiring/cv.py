"""Reading the text out of an uploaded CV (PDF or DOCX), so the seeker can review it before it is saved.

The file's bytes decide what it is, not its name: a PDF starts with `%PDF-`, a DOCX is a ZIP holding
`word/document.xml`. A name that disagrees with the content is refused, and so is a file with no text in it
(a scanned image), because nothing useful could be matched against it. The parsers run in a child process under
limits (cv_reader.py): a hostile file costs at most that process.
"""
from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

from ..errors import ValidationFailed
from ..messages import msg

log = logging.getLogger(__name__)

MAX_BYTES = 4 * 1024 * 1024          # the upload itself
MAX_TEXT_CHARS = 20_000               # what is kept of the extracted text
# The reader process (pages, unpacked size and the parsers themselves: cv_reader.py) may use this much.
READER = Path(__file__).with_name("cv_reader.py")
MEMORY_BYTES = 768 * 1024 * 1024
CPU_SECONDS = 10
WALL_SECONDS = 20
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
    text = _read_isolated(kind, data)
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


def _read_isolated(kind: str, data: bytes) -> str:
    """The text, as cv_reader.py reads it in a child process under memory, CPU and wall-clock limits."""
    unreadable = ValidationFailed({"cv": [msg("could not be read as a PDF; save it again as PDF and upload that")
                                          if kind == "pdf" else
                                          msg("could not be read as a Word file; save it again as DOCX")]})
    try:
        done = subprocess.run([sys.executable, "-I", str(READER), kind], input=data, capture_output=True,
                              timeout=WALL_SECONDS, env={"CV_READER_LIMITS": f"{MEMORY_BYTES}:{CPU_SECONDS}"})
        result = json.loads(done.stdout) if done.returncode == 0 else {"refused": "unreadable"}
    except (subprocess.TimeoutExpired, ValueError):
        log.warning("cv reader gave up on a %s upload (time, memory or output)", kind)
        raise unreadable from None
    refused = result.get("refused")
    if refused == "encrypted":
        raise ValidationFailed({"cv": [msg("is password-protected; upload a copy without a password")]})
    if refused == "too_many_pages":
        raise ValidationFailed({"cv": [msg("has too many pages ({count}; at most {limit})", count=result["count"],
                                           limit=result["limit"])]})
    if refused == "too_large_unpacked":
        raise ValidationFailed({"cv": [msg("is too large once unpacked; save it again as a plain DOCX")]})
    if refused is not None or not isinstance(result.get("text"), str):
        raise unreadable
    return result["text"]
