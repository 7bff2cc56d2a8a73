"""Reads a CV's text in a process of its own, under limits: `python cv_reader.py pdf|docx < file > result.json`.

Parsers of hostile files fail in ways no list of exceptions covers (decompression bombs, absurd predictor
columns, a bogus /Encrypt, a DOCX without relationships) or never finish. Run here, the worst they can do is
hit the memory or CPU limit and die; `cv.extract_text` then refuses the file with a clear message. This module
imports nothing of the project, so the child starts in a fraction of a second.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile

MAX_PAGES = 30
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_CHARS = 40_000  # twice what the profile keeps: tidying shortens it


class Refused(Exception):
    """A reason the reader gives in words of its own (`code`), with a detail for the message."""

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code, self.detail = code, detail


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise Refused("encrypted")
    if len(reader.pages) > MAX_PAGES:
        raise Refused("too_many_pages", count=len(reader.pages), limit=MAX_PAGES)
    parts: list[str] = []
    for page in reader.pages:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_CHARS:
            break
    return "\n".join(parts)


def docx_text(data: bytes) -> str:
    import docx

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise Refused("too_large_unpacked")
    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)[:MAX_CHARS * 2]


def limit_resources() -> None:
    """Memory and CPU caps from CV_READER_LIMITS ("bytes:seconds"), set before any parsing."""
    import os
    import resource

    memory, cpu = (int(part) for part in os.environ.get("CV_READER_LIMITS", "805306368:10").split(":"))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def main() -> None:
    limit_resources()
    kind, data = sys.argv[1], sys.stdin.buffer.read()
    try:
        text = (pdf_text if kind == "pdf" else docx_text)(data)
        result = {"text": text}
    except Refused as refused:
        result = {"refused": refused.code, **refused.detail}
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same to the person: unreadable
        result = {"refused": "unreadable", "error": type(exc).__name__}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
