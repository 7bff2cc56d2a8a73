"""The index terms lexical search reads: Korean content morphemes (Kiwi) and stemmed English words.

Kiwi loads lazily, once per process, and is taught the shipped skill words so a skill tokenises the same however
it is spaced ("불량검출" = "불량 검출").
"""
from __future__ import annotations

import csv
import re
import threading
from typing import Iterable

from ..reference.text import FULLWIDTH, HANGUL, SKILLS_CSV, normalise

ENGLISH_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below between both but by
can could did do does doing down during each etc few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not of off on once only or other our ours out over own
per same she should so some such than that the their theirs them then there these they this those through to too
under until up very via was we were what when where which while who whom why will with within would you your yours
""".split())
# Nouns, roots, foreign words, numbers and Hanja carry meaning; verb and adjective stems are kept as well.
_CONTENT_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH"})
_LATIN_PIECE = re.compile(r"[a-z0-9]+[+#]*")

_kiwi = None
_compound_words: dict[str, list[str]] = {}
_kiwi_lock = threading.Lock()
_stemmer_local = threading.local()


def _korean_skill_labels() -> list[list[str]]:
    """The Hangul-only skill labels in the shipped skill list, as their words ("불량 검출" -> ["불량", "검출"])."""
    try:
        with SKILLS_CSV.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        return []
    labels = {normalise(label) for row in rows for label in [row["name_ko"], *(row["aliases"] or "").split(";")]}
    return [label.split() for label in sorted(labels) if re.fullmatch(f"[{HANGUL} ]+", label) and len(label) >= 2]


def _teach_skill_words(analyser) -> dict[str, list[str]]:
    """Make skill terms tokenise the same however they are spaced: the words of skill labels become nouns, and
    any run of them written without spaces ("불량검출", "전력수요예측") is analysed as those words. Returns the
    runs with their words, to split any Kiwi still keeps whole ("빅데이터를")."""
    labels = _korean_skill_labels()
    compounds: dict[str, list[str]] = {}
    for words in labels:
        for i in range(len(words)):
            for j in range(i + 2, len(words) + 1):
                compounds.setdefault("".join(words[i:j]), words[i:j])
    compounds = {form: [p for w in words for p in compounds.get(w, [w])] for form, words in compounds.items()}
    for word in sorted({w for words in compounds.values() for w in words} | {w for ws in labels for w in ws}):
        if word not in compounds:
            analyser.add_user_word(word, "NNP")
    for form, words in compounds.items():
        ends = [sum(map(len, words[:i + 1])) for i in range(len(words))]
        analyser.add_pre_analyzed_word(form, [(w, "NNP", e - len(w), e) for w, e in zip(words, ends)], score=5.0)
    return compounds


def kiwi():
    """The process's Kiwi, created on first use. Analysis on one instance is safe from several threads."""
    global _kiwi, _compound_words
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                analyser = Kiwi()
                _compound_words = _teach_skill_words(analyser)
                _kiwi = analyser
    return _kiwi


def _stem(words: list[str]) -> list[str]:
    stemmer = getattr(_stemmer_local, "stemmer", None)
    if stemmer is None:  # PyStemmer objects are not thread-safe: one per thread.
        import Stemmer

        stemmer = _stemmer_local.stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWords(words)


def _content_terms(tokens) -> list[str]:
    """Kiwi tokens to index terms: particles and endings dropped, Latin pieces Kiwi split rejoined ("k"+"8"+"s",
    "C"+"++"), English lowercased, stopword-free and stemmed."""
    terms: list[str] = []
    latin = False
    end = -1
    for token in tokens:
        tag = token.tag
        is_latin = tag in ("SL", "SN") or (tag == "SW" and set(token.form) <= {"+", "#"})
        if is_latin and latin and token.start == end:
            terms[-1] += token.form
        elif is_latin or tag in _CONTENT_TAGS or tag.startswith(("VV", "VA")):
            terms.append(token.form)
        else:
            latin = False
            continue
        latin, end = is_latin, token.start + token.len
    return _finish(terms)


def _finish(terms: list[str]) -> list[str]:
    out: list[str] = []
    for term in terms:
        if term.isascii():
            pieces = [p for p in _LATIN_PIECE.findall(term.lower()) if p not in ENGLISH_STOPWORDS]
            out.extend(_stem(pieces) if pieces else ())
        else:
            out.extend(_compound_words.get(term.lower(), (term.lower(),)))
    return out


def tokenize(text: str | None) -> list[str]:
    """Index terms of one text: Korean content morphemes and stemmed English words."""
    text = normalise(text).translate(FULLWIDTH)
    return _content_terms(kiwi().tokenize(text)) if text else []


def tokenize_many(texts: Iterable[str | None]) -> list[list[str]]:
    """Index terms of many texts, in order; Kiwi spreads the batch over its worker threads."""
    prepared = [normalise(t).translate(FULLWIDTH) for t in texts]
    return [_content_terms(tokens) for tokens in kiwi().tokenize(prepared)]
