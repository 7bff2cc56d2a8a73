"""Text normalisation shared by the product: the form every stored text and label takes.

Korean is the users' first language and English AI terms run through it ("PyTorch를 활용한 불량 검출"), so every
label and every document goes through the same few functions here. Importing it stays cheap enough for migrations.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterable

SKILLS_CSV = Path(__file__).resolve().parents[2] / "data" / "skills.csv"

# Zero-width, soft-hyphen and bidirectional controls: invisible, pasted in from PDFs and chat apps, used to disguise.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# Full-width Latin (Ｐｙｔｈｏｎ) typed with a Korean IME reads as ASCII.
FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}
_DOT_INSIDE_WORD = re.compile(r"(?<=\w)\.(?=\w)")
_SEPARATORS = re.compile(r"[\s\-_/\\|·•‧∙‐‑‒–—―~]+")
_EDGE_PUNCTUATION = " ,;:!?\"'`()[]{}<>「」『』【】"
HANGUL = "\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff"
_SPACE_BESIDE_HANGUL = re.compile(f" (?=[{HANGUL}])|(?<=[{HANGUL}]) ")


def normalise(text: str | None) -> str:
    """NFC, without invisible characters, whitespace collapsed to single spaces: the form every stored text takes."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return _WHITESPACE.sub(" ", text).strip()


def label_words(text: str | None, *, fold_case: bool = True) -> list[str]:
    """The words of a label or text as labels compare them: full-width folded, case folded, and hyphens, underscores,
    slashes and in-word dots read as spaces ("Scikit-Learn", "scikit_learn" and "Node.js" become plain words)."""
    text = normalise(text).translate(FULLWIDTH)
    if fold_case:
        text = text.casefold()
    text = _SEPARATORS.sub(" ", _DOT_INSIDE_WORD.sub(" ", text))
    return text.strip(_EDGE_PUNCTUATION).split()


def normalise_label(text: str | None) -> str:
    """The key two labels share when people mean the same thing: "scikit learn" = "Scikit-Learn" = "scikit_learn".

    Spaces next to Hangul are dropped too, because Korean spacing of compounds is optional in practice
    ("머신 러닝" = "머신러닝", "AI 반도체" = "AI반도체").
    """
    return _SPACE_BESIDE_HANGUL.sub("", " ".join(label_words(text)))


def has_hangul(text: str) -> bool:
    return re.search(f"[{HANGUL}]", text) is not None


def latin_share(tokens: Iterable[str]) -> float:
    """The share of a text's index terms written in Latin script (English words, "pytorch", "yolo"): 0..1.

    Terms rather than characters, because one Hangul syllable carries about as much as a short English word.
    Numbers count as neither. A text with no words counts as fully readable (1.0), so empty queries change nothing.
    """
    latin = other = 0
    for token in tokens:
        if token.isascii():
            if not token.isdigit():
                latin += 1
        else:
            other += 1
    return latin / (latin + other) if latin + other else 1.0
