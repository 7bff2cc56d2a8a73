"""Keep the translation catalogues in step with the code: extract, update, fill English, compile.

    python scripts/i18n.py            # extract + update + compile
    python scripts/i18n.py --check    # exit 1 when a Korean message is missing
    python scripts/i18n.py --fill FILE.tsv   # extract, then set Korean from lines "English<TAB>Korean"

English is the source language, so the English catalogue is the identity; Korean is translated by people in
talent_match/translations/ko/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "talent_match" / "translations"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT)


def missing(locale: str) -> list[str]:
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id and (not m.string or m.fuzzy)]


def fill_english() -> None:
    path = CATALOGUES / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh)
    for message in catalogue:
        if message.id:
            message.string = message.id if not message.pluralizable else tuple(message.id)
            message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=120)


def fill_korean(tsv: Path) -> int:
    """Set the Korean of each "English<TAB>Korean" line (\\n in either stands for a new line); how many were set."""
    wanted = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            english, korean = line.split("\t", 1)
            wanted[english.replace("\\n", "\n")] = korean.replace("\\n", "\n")
    path = CATALOGUES / "ko" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh)
    count = 0
    for message in catalogue:
        if message.id and not message.pluralizable and message.id in wanted:
            message.string = wanted[message.id]
            message.flags.discard("fuzzy")
            count += 1
    with path.open("wb") as fh:
        write_po(fh, catalogue, width=120)
    return count


def main() -> int:
    if "--check" in sys.argv:
        gaps = missing("ko")
        for message_id in gaps:
            print("untranslated:", message_id)
        return 1 if gaps else 0
    with tempfile.TemporaryDirectory() as tmp:
        pot = str(Path(tmp) / "messages.pot")
        run("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "msg", "--no-location", "-o", pot,
            ".")
        run("update", "-i", pot, "-d", str(CATALOGUES), "--no-fuzzy-matching", "-w", "120")
    fill_english()
    if "--fill" in sys.argv:
        print("set", fill_korean(Path(sys.argv[sys.argv.index("--fill") + 1])), "Korean messages")
    run("compile", "-d", str(CATALOGUES), "--use-fuzzy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
