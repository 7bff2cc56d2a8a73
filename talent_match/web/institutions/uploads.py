"""An uploaded CSV kept between its preview and the confirmation, so nobody has to upload it twice.

The bytes go to a server-side file named by a random token; only the session that uploaded it holds the token
(with the kind and the institution), so another user cannot confirm it. Files expire after an hour and are removed
once imported or replaced. A file is written under a temporary name and renamed when complete: a write that fails
(a full disk) leaves nothing behind, since even part of a file holds trainees' names and emails.
"""
from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from flask import current_app, session

from ...services.transfers.imports import MAX_BYTES

SESSION_KEY = "pending_import"
MAX_AGE_S = 3600


class NotKept(Exception):
    """The file could not be written to the server's disk (full, or not writable); nothing of it was left."""


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "import-uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep(raw: bytes, kind: str, filename: str, institution_id: int) -> str:
    """Store the file for this session (replacing any earlier one) and return its token. Raises NotKept."""
    if len(raw) > MAX_BYTES:
        raise ValueError("file too large to keep")
    token = secrets.token_urlsafe(24)
    temporary = None
    try:
        discard()
        _sweep()
        folder = _folder()
        temporary = folder / f".{token}.part"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, folder / f"{token}.csv")
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise NotKept(str(exc)) from exc
    session[SESSION_KEY] = {"token": token, "kind": kind, "filename": (filename or "")[:200],
                            "institution_id": institution_id, "size": len(raw)}
    return token


def pending(token: str | None, institution_id: int) -> tuple[dict, bytes] | None:
    """The kept file this session uploaded under `token` for this institution, or None (expired, or not theirs)."""
    entry = session.get(SESSION_KEY)
    if not entry or not token or not hmac.compare_digest(str(entry.get("token")), str(token)):
        return None
    if entry.get("institution_id") != institution_id:
        return None
    path = _folder() / f"{entry['token']}.csv"
    try:
        if time.time() - path.stat().st_mtime > MAX_AGE_S:
            discard()
            return None
        return entry, path.read_bytes()
    except FileNotFoundError:
        session.pop(SESSION_KEY, None)
        return None


def discard() -> None:
    entry = session.pop(SESSION_KEY, None)
    if entry and entry.get("token"):
        (_folder() / f"{entry['token']}.csv").unlink(missing_ok=True)


def _sweep() -> None:
    """Remove files older than MAX_AGE_S left by sessions that never confirmed."""
    limit = time.time() - MAX_AGE_S
    for path in _folder().iterdir():  # *.csv, and *.part left by a process killed while writing
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue
