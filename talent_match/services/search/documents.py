"""How postings and profiles become text: one Document (title + body) per entity, for embedding and for BM25.

A document has two fields because they carry different evidence: a title ("ML 엔지니어", a seeker's headline and
desired roles) says what the job or person *is*, the body what they do and know. Lexical search scores the
fields separately (a title hit counts more) and the embedding text is the two joined. Skills are written with
their canonical names and aliases in both languages, so "파이토치" in a profile meets "PyTorch" in a posting in
the lexical index and in the embedding alike.

The stored vector of a document is not the plain embedding of its text: `embed_documents` adds the title's own
embedding, TITLE_VECTOR_WEIGHT times, to the full text's and renormalises. A posting is found by what it *is* far
more often than by a phrase deep in its description, and a long body otherwise drowns the title in the one vector
(measured on the ESCO titles dev set: dense alone nDCG@10 0.317 on the plain text, 0.360 on this vector). The site's
indexing (sync and bulk encoding), its query-side fallback and the evaluation harness all call this one function.

What the model is shown depends on what it can read (`model_text`): the default model is English and cuts Hangul
into jamo pieces that carry almost no meaning, yet fill its 256-token window: a demo posting is ~1,000 pieces, so
the English terms after the first Korean paragraph were never seen. For such a model the Korean runs are left out
of the embedded text (they stay in the lexical index, which reads Korean morphemes); a multilingual model sees it
all. Measured: the demo data encodes 2.2x faster (29.5 -> 63.9 entities/s on 2 cores; pieces per text p50 137
instead of the 256 cap); on tests/data/korean-ai-jobs the pipeline's nDCG@10 went 0.935 -> 0.937 and dense alone
on the stored vectors 0.651 -> 0.632 (32 queries: within noise; the lexical side carries Korean).

Changing what these return, or the vector recipe (EMBEDDING_RECIPE), changes every stored hash
(`embedding_key`), so `flask reindex` then re-encodes what changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

from ..reference.text import normalise

# Bounds what one CV can cost the tokeniser and the encoder; the model reads ~256 word pieces anyway.
BODY_MAX_CHARS = 4000
# The stored vector: normalise(TITLE_VECTOR_WEIGHT * enc(title) + enc(title + body)).
TITLE_VECTOR_WEIGHT = 2.0
# Names that recipe inside every stored hash: change it whenever embed_documents changes what it computes.
EMBEDDING_RECIPE = "title2-latin+text/v4-compact"
_WORD = re.compile(r"\w+")
_HANGUL_RUN = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]+")
_SPACES = re.compile(r"[ \t]+")
_EMPTY_BRACKETS = re.compile(r"[\[(]\s*[\])]")
_REPEATED_SEPARATORS = re.compile(r"(?:[/,·]\s*)+([/,·])")  # "Python / , PyTorch": keep the last
_DANGLING_SEPARATOR = re.compile(r"\s*[/,·]\s*(?=[\])])")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
# Aliases per skill written into the text: enough for both languages without drowning the body in synonyms.
ALIASES_PER_SKILL = 3
SKILLS_LABEL = "Skills"
REQUIRED_SKILLS_LABEL = "필수 기술 Required skills"
PREFERRED_SKILLS_LABEL = "우대 기술 Preferred skills"
_SKILL_LINE = re.compile(r"^(?:Required |Preferred )?[Ss]kills:")


@dataclass(frozen=True)
class Document:
    """The searchable form of one entity (or of one benchmark document)."""

    title: str
    body: str

    @property
    def text(self) -> str:
        """Title then body: what is embedded and hashed."""
        return "\n".join(part for part in (self.title, self.body) if part)


def posting_document(posting, taxonomy=None) -> Document:
    """Title; then skills (required first) with their names in both languages; description; experience, mode."""
    required = [s for s in posting.skills if s.required]
    preferred = [s for s in posting.skills if not s.required]
    lines = [
        _labelled(REQUIRED_SKILLS_LABEL, _skill_words(required, taxonomy)),
        _labelled(PREFERRED_SKILLS_LABEL, _skill_words(preferred, taxonomy)),
        posting.description,
        f"경력 {posting.min_experience}년 이상 ({posting.min_experience}+ years experience)"
        if posting.min_experience else "",
    ]
    return Document(normalise(posting.title), _body(lines))


def profile_document(profile, taxonomy=None) -> Document:
    """Headline and desired roles as the title; skills, summary, experience, education, certificates, CV after."""
    title = " · ".join(part for part in (normalise(profile.headline), normalise(profile.desired_roles)) if part)
    lines = [
        _labelled(f"기술 {SKILLS_LABEL}", _skill_words(profile.skills, taxonomy)),
        profile.summary,
        f"경력 {profile.years_experience}년 ({profile.years_experience} years experience)"
        if profile.years_experience else "",
        profile.education,
        profile.certifications,
        profile.cv_text,
    ]
    return Document(title, _body(lines))


def embedding_key(doc: Document) -> str:
    """What a stored vector's hash covers: the recipe, the title and the text (hash it with encoder.text_hash)."""
    return f"{EMBEDDING_RECIPE}\n{doc.title}\n{doc.text}"


def model_text(text: str, reads_hangul: bool) -> str:
    """The text as the model is shown it: all of it for a model that reads Korean; else without its Hangul runs,
    or whole when nothing readable would be left. Lines that lost Hangul are compacted too (`_compact`)."""
    if reads_hangul or not _HANGUL_RUN.search(text):
        return text
    lines = (_compact(_without_hangul(line)) if _HANGUL_RUN.search(line) else line for line in text.splitlines())
    kept = "\n".join(line for line in lines if _LETTER_OR_DIGIT.search(line))
    return kept if kept.strip() else text


def _without_hangul(line: str) -> str:
    line = _REPEATED_SEPARATORS.sub(r"\1", _EMPTY_BRACKETS.sub(" ", _HANGUL_RUN.sub(" ", line)))
    return _SPACES.sub(" ", _DANGLING_SEPARATOR.sub("", line)).replace(" ,", ",").strip(" -/,·")


def _compact(line: str) -> str:
    """What is left of a Korean line, without what only cost the model time: the bullets, arrows, colons and bare
    numbers (dates, salaries) that stood between Korean words, and on a skills line every alias after a skill's
    first readable name ("Python / Python3 / py" -> "Python"). The lexical index keeps all of it.
    Measured on the demo data (400 of each): word pieces per text 127 -> 67 (profiles) and 154 -> 61 (postings), so
    encoding costs half; tests/data/korean-regional-jobs pipeline nDCG@10 0.8041 -> 0.8035, korean-ai-jobs 0.9387
    both times (the lexical side carries Korean)."""
    skills = _SKILL_LINE.match(line)
    if skills:
        names = (next((n.strip(" /") for n in item.split(" / ") if _LETTER_OR_DIGIT.search(n)), "")
                 for item in line[skills.end():].split(","))
        return f"{line[:skills.end()]} {', '.join(n for n in names if n)}"
    return " ".join(word.strip("()[]") for word in line.split() if _LETTER.search(word))


def embed_documents(encode: Callable[[list[str]], np.ndarray], docs: Sequence[Document], *,
                    reads_hangul: bool = True, with_plain: bool = False):
    """The stored vectors of `docs` (float32, one L2-normalised row each), in one encode call: each document's
    text, then the titles of those that have a body and a title the model can read (title_readability). A document
    with no body is its text alone.
    Documents with no text at all must not be passed (the encoder refuses blank text). `with_plain` also returns
    the plain text embeddings (the harness's dense baseline): (stored, plain)."""
    docs = list(docs)
    if not docs:
        empty = np.zeros((0, 0), dtype=np.float32)
        return (empty, empty) if with_plain else empty
    weights = {n: TITLE_VECTOR_WEIGHT * title_readability(d.title) for n, d in enumerate(docs) if d.body.strip()}
    titled = [n for n, weight in weights.items() if weight > 0]
    texts = [d.text for d in docs] + [docs[n].title for n in titled]
    encoded = np.asarray(encode([model_text(t, reads_hangul) for t in texts]), dtype=np.float32)
    plain = encoded[:len(docs)]
    vectors = plain.copy()
    if titled:
        vectors[titled] += np.asarray([weights[n] for n in titled], dtype=np.float32)[:, None] * encoded[len(docs):]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.maximum(norms, 1e-12)
    return (vectors, plain) if with_plain else vectors


def title_readability(title: str) -> float:
    """The share of the title's words written in Latin script (0..1; numbers count as neither; no words: 0).

    The default model is English: a Korean title's own embedding is close to noise, and weighting it up pulled
    the stored vectors away from their meaning (tests/data/korean-ai-jobs: dense nDCG@10 0.65 -> 0.49 with the
    full title weight). So the title's extra weight scales with how much of it the model reads: "ML 엔지니어"
    gets half the weight, "컴퓨터 비전 엔지니어" none."""
    latin = other = 0
    for word in _WORD.findall(title):
        if word.isdigit():
            continue
        if word.isascii():
            latin += 1
        else:
            other += 1
    return latin / (latin + other) if latin + other else 0.0


def embed_document(encoder, doc: Document) -> np.ndarray | None:
    """One document's stored vector (see embed_documents); None for a document with no text."""
    if not doc.text.strip():
        return None
    return embed_documents(encoder.encode, [doc], reads_hangul=encoder.reads_hangul)[0]


def _skill_words(skills: Iterable, taxonomy) -> list[str]:
    """Each skill as written, plus its canonical English and Korean names and a few aliases when known.
    Without a taxonomy the shipped one is used, so the text (and its hash) does not depend on the caller."""
    if taxonomy is None:
        from ..reference.taxonomy import Taxonomy

        taxonomy = Taxonomy.reference()
    words: list[str] = []
    for skill in skills:
        names = [skill.label]
        slug = skill.skill.slug if getattr(skill, "skill", None) is not None else None
        ref = taxonomy.skills.get(slug) if slug else taxonomy.resolve(skill.label)
        if ref is not None:
            names += [ref.name_en, ref.name_ko, *taxonomy.aliases(ref.slug)[:ALIASES_PER_SKILL + 2]]
        elif slug is not None:
            names += [skill.skill.name_en, skill.skill.name_ko]
        seen: set[str] = set()
        unique = [n for n in (normalise(n) for n in names) if n and not (n.casefold() in seen or seen.add(n.casefold()))]
        words.append(" / ".join(unique[:2 + ALIASES_PER_SKILL]))
    return words


def _labelled(label: str, items: list[str]) -> str:
    return f"{label}: {', '.join(items)}" if items else ""


def _body(lines: Iterable[str]) -> str:
    text = "\n".join(normalise(line) for line in lines if line and line.strip())
    return text[:BODY_MAX_CHARS]
