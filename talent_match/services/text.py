"""Text normalisation and tokenisation shared by the product, and the BM25 index lexical search runs on.

Korean is the users' first language and English AI terms run through it ("PyTorch를 활용한 불량 검출"), so every
label and every document goes through the same few functions here. Kiwi (the Korean morphological analyser) loads
lazily, once per process: importing this module stays cheap enough for migrations.
"""
from __future__ import annotations

import csv
import re
import threading
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Hashable, Iterable, Sequence

import numpy as np

SKILLS_CSV = Path(__file__).resolve().parent.parent / "data" / "skills.csv"

# Zero-width, soft-hyphen and bidirectional controls: invisible, pasted in from PDFs and chat apps, used to disguise.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# Full-width Latin (Ｐｙｔｈｏｎ) typed with a Korean IME reads as ASCII.
_FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}
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
    text = normalise(text).translate(_FULLWIDTH)
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


# ---- tokenising for BM25 ---------------------------------------------------------------------------------------

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
    text = normalise(text).translate(_FULLWIDTH)
    return _content_terms(kiwi().tokenize(text)) if text else []


def tokenize_many(texts: Iterable[str | None]) -> list[list[str]]:
    """Index terms of many texts, in order; Kiwi spreads the batch over its worker threads."""
    prepared = [normalise(t).translate(_FULLWIDTH) for t in texts]
    return [_content_terms(tokens) for tokens in kiwi().tokenize(prepared)]


# ---- BM25 ------------------------------------------------------------------------------------------------------

class BM25Index:
    """Okapi BM25 over tokenised documents, held as per-term posting arrays in numpy.

    Documents are (id, tokens); add and remove only mark the index stale, and the next query rebuilds it in one
    vectorised pass (about 0.2 s of CPU for 20,000 postings). A repeated query token counts again, so callers
    weight fields by repeating tokens (title tokens twice). Queries may run from several threads.
    """

    def __init__(self, documents: Iterable[tuple[Hashable, Sequence[str]]] = (), *, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self._vocabulary: dict[str, int] = {}
        self._documents: dict[Hashable, tuple[np.ndarray, np.ndarray, int]] = {}
        self._lock = threading.Lock()
        self._built = None
        for doc_id, tokens in documents:
            self._store(doc_id, tokens)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._documents

    def add(self, doc_id: Hashable, tokens: Sequence[str]) -> None:
        """Add a document, replacing one with the same id."""
        with self._lock:
            self._store(doc_id, tokens)

    def remove(self, doc_id: Hashable) -> bool:
        """Drop a document; False when it was not there."""
        with self._lock:
            found = self._documents.pop(doc_id, None) is not None
            self._built = None if found else self._built
            return found

    def _store(self, doc_id, tokens) -> None:
        counts = Counter(tokens)
        vocabulary = self._vocabulary
        term_ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in counts), np.int64, len(counts))
        self._documents[doc_id] = (term_ids, np.fromiter(counts.values(), np.float64, len(counts)), len(tokens))
        self._built = None

    def _snapshot(self):
        built = self._built
        if built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build()
                built = self._built
        return built

    def _build(self):
        """Posting lists in CSR layout: term t's documents are doc_index[start[t]:start[t+1]]."""
        ids = list(self._documents)
        n_terms = len(self._vocabulary)
        if not ids:
            return ids, np.zeros(n_terms + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
        parts = list(self._documents.values())
        terms = np.concatenate([p[0] for p in parts])
        tf = np.concatenate([p[1] for p in parts])
        lengths = np.array([p[2] for p in parts], np.float64)
        docs = np.repeat(np.arange(len(ids)), [len(p[0]) for p in parts])
        df = np.bincount(terms, minlength=n_terms)
        idf = np.log((len(ids) - df + 0.5) / (df + 0.5) + 1.0)
        norm = self.k1 * (1 - self.b + self.b * lengths / max(lengths.mean(), 1e-9))
        weights = idf[terms] * tf * (self.k1 + 1) / (tf + norm[docs])
        order = np.argsort(terms)  # order within a posting list does not matter
        start = np.zeros(n_terms + 1, np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=start[1:])
        return ids, start, docs[order], weights[order]

    @property
    def ids(self) -> list:
        """Document ids in the order `score_array` uses."""
        return self._snapshot()[0]

    def score_array(self, query_tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every document, aligned with `ids`."""
        return self._score(self._snapshot(), query_tokens)

    def _score(self, snapshot, query_tokens) -> np.ndarray:
        ids, start, doc_index, weights = snapshot
        scores = np.zeros(len(ids))
        for term, count in Counter(query_tokens).items():
            term_id = self._vocabulary.get(term)
            if term_id is not None and term_id + 1 < len(start):
                lo, hi = start[term_id], start[term_id + 1]
                scores[doc_index[lo:hi]] += count * weights[lo:hi]
        return scores

    def scores(self, query_tokens: Iterable[str]) -> dict:
        """{id: score} for the documents sharing at least one term with the query."""
        snapshot = self._snapshot()
        scores = self._score(snapshot, query_tokens)
        return {snapshot[0][i]: float(scores[i]) for i in np.flatnonzero(scores)}

    def top(self, query_tokens: Iterable[str], k: int = 10) -> list[tuple[Hashable, float]]:
        """The k best (id, score) pairs, best first (ties in insertion order); zero scores are left out."""
        snapshot = self._snapshot()
        scores = self._score(snapshot, query_tokens)
        hits = np.flatnonzero(scores)
        if k <= 0:
            return []
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(snapshot[0][i], float(scores[i])) for i in hits]
