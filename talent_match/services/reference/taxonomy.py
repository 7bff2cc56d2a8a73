"""The skill taxonomy: one canonical skill for every way people write it, in Korean or English.

`Taxonomy` is an in-memory snapshot (from rows, the skill tables or the shipped skills.csv) that resolves labels,
finds skills in free text and answers autocomplete; the functions at the end are the admin edits.
"""
from __future__ import annotations

import csv
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, NamedTuple

from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from ...models import Skill, SkillAlias
from ..errors import NotFound, ValidationFailed
from ..messages import msg
from .text import HANGUL, SKILLS_CSV, has_hangul, label_words, normalise, normalise_label

CACHE_SECONDS = 60  # other worker processes see admin edits within this long
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HANGUL_CHAR = re.compile(f"[{HANGUL}]")
_LATIN_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class TaxonomyError(ValidationFailed):
    """An edit the taxonomy cannot take; the message names the field, the alias or the skill concerned."""


@dataclass(frozen=True)
class SkillRef:
    slug: str
    name_en: str
    name_ko: str
    category: str
    parent: str | None = None
    id: int | None = None  # the skill row's id; None when built from rows without ids

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale.startswith("en") else self.name_ko


class LabelledSkill(NamedTuple):
    slug: str | None  # None: free text the taxonomy does not know, kept as typed (normalised)
    label: str


class Taxonomy:
    """Skills and every normalised label that names them. Build from rows: dicts with slug, name_en, name_ko,
    category, parent and aliases (a list or a ";"-separated string), optionally id. Raises TaxonomyError when one
    label names two skills or a parent is unknown; with strict=False the first skill keeps the label instead."""

    def __init__(self, rows: Iterable[Mapping], *, strict: bool = True):
        self.skills: dict[str, SkillRef] = {}
        self._labels: dict[str, str] = {}  # normalised label -> slug
        self._aliases: dict[str, list[str]] = {}
        for row in rows:
            slug = row["slug"]
            self.skills[slug] = SkillRef(slug, row["name_en"], row["name_ko"], row.get("category") or "",
                                         row.get("parent") or None, row.get("id"))
            aliases = row.get("aliases") or []
            aliases = aliases.split(";") if isinstance(aliases, str) else list(aliases)
            self._aliases[slug] = []
            for alias in [row["name_en"], row["name_ko"], *aliases]:
                key = normalise_label(alias)
                if not key:
                    continue
                owner = self._labels.setdefault(key, slug)
                if owner != slug and strict:
                    raise TaxonomyError(msg('"{alias}" names both {owner} and {slug}', alias=normalise(alias),
                                            owner=owner, slug=slug), field="aliases")
                if normalise(alias) not in self._aliases[slug]:
                    self._aliases[slug].append(normalise(alias))
        for ref in self.skills.values():
            if ref.parent and ref.parent not in self.skills and strict:
                raise TaxonomyError(msg("{slug}: parent {parent} is not a skill", slug=ref.slug, parent=ref.parent),
                                    field="parent")
        self._build_text_matcher()
        self._completions = sorted((_decompose(key), key, slug) for key, slug in self._labels.items())

    # ---- construction and caching -----------------------------------------------------------------------------

    @classmethod
    def reference(cls) -> Taxonomy:
        """The taxonomy shipped in data/skills.csv."""
        return _reference()

    _cache: dict[str, tuple[float, Taxonomy]] = {}
    _cache_lock = threading.Lock()

    @classmethod
    def from_session(cls, session: Session) -> Taxonomy:
        """The taxonomy in the database, cached per database for CACHE_SECONDS; a session holding uncommitted
        taxonomy edits gets a fresh, uncached one. Lenient: stored data never stops a page from rendering."""
        if session.info.get("taxonomy_changed"):
            return cls(_rows_from_session(session), strict=False)
        key = str(session.get_bind().url)
        cached = cls._cache.get(key)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        taxonomy = cls(_rows_from_session(session), strict=False)
        with cls._cache_lock:
            cls._cache[key] = (time.monotonic(), taxonomy)
        return taxonomy

    @classmethod
    def invalidate(cls) -> None:
        """Forget cached taxonomies; the admin edits call this when their transaction ends."""
        with cls._cache_lock:
            cls._cache.clear()

    # ---- lookups ------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.skills)

    def __contains__(self, slug) -> bool:
        return slug in self.skills

    def aliases(self, slug: str) -> list[str]:
        """Every label of a skill, names first, as written."""
        return list(self._aliases.get(slug, []))

    def resolve(self, label: str | None) -> SkillRef | None:
        """The skill a label names, ignoring Unicode form, case, spacing and hyphens; a slug resolves too."""
        slug = self._labels.get(normalise_label(label))
        if slug is None and label:
            slug = label.strip() if label.strip() in self.skills else None
        return self.skills.get(slug) if slug else None

    def normalise_labels(self, labels: Iterable[str]) -> list[LabelledSkill]:
        """Known labels with their slug, unknown ones kept as free text; one entry per skill or text, first wins."""
        result, seen = [], set()
        for label in labels:
            text = normalise(label)
            if not text:
                continue
            ref = self.resolve(text)
            key = ("skill", ref.slug) if ref else ("text", normalise_label(text))
            if key not in seen:
                seen.add(key)
                result.append(LabelledSkill(ref.slug if ref else None, text))
        return result

    def implied(self, slug: str) -> set[str]:
        """The skill and every broader skill it implies (pytorch -> deep-learning -> machine-learning)."""
        implied: set[str] = set()
        while slug in self.skills and slug not in implied:
            implied.add(slug)
            slug = self.skills[slug].parent
        return implied

    # ---- free text and autocomplete -----------------------------------------------------------------------------

    def _build_text_matcher(self) -> None:
        """Aliases usable in free text, by their first two characters, longest first. Single letters ("R", "C") and
        one-syllable Korean never match in text; two-letter Latin ("ML") only when written in capitals."""
        self._by_prefix: dict[str, list[tuple[str, str]]] = {}
        for key, slug in self._labels.items():
            if len(key) >= 2:
                self._by_prefix.setdefault(key[:2], []).append((key, slug))
        for candidates in self._by_prefix.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def find_in_text(self, text: str | None) -> list[str]:
        """Slugs of the skills a text mentions, in order of first mention, leftmost-longest match.

        Latin aliases need word boundaries ("sql" is not found in "mysql"); Korean ones may carry particles or
        suffixes ("파이썬을", "딥러닝 기반"), and two-syllable ones must start a word ("비전" not in "텔레비전").
        """
        folded, written, word_starts = _scan_form(text)
        found: list[str] = []
        i, n = 0, len(folded)
        while i < n:
            if folded[i] in _LATIN_WORD and i > 0 and folded[i - 1] in _LATIN_WORD:
                i += 1
                continue
            for key, slug in self._by_prefix.get(folded[i:i + 2], ()):
                if folded.startswith(key, i) and _fits(key, folded, written, i, word_starts):
                    if slug not in found:
                        found.append(slug)
                    i += len(key)
                    break
            else:
                i += 1
        return found

    def search(self, query: str | None, limit: int = 10) -> list[SkillRef]:
        """Autocomplete in either language: exact label, then labels starting with the query (half-typed Hangul
        such as "머신ㄹ" or "딥런" included), then labels containing it; shorter labels first."""
        key = normalise_label(query)
        if not key:
            return []
        prefixes = _typing_prefixes(key)
        best: dict[str, tuple] = {}
        for decomposed, label, slug in self._completions:
            if label == key:
                rank = 0
            elif any(decomposed.startswith(p) for p in prefixes):
                rank = 1
            elif len(key) >= 2 and key in label:
                rank = 2
            else:
                continue
            best[slug] = min(best.get(slug, (9,)), (rank, len(label), label))
        return [self.skills[slug] for slug in sorted(best, key=best.get)[:limit]]


def _scan_form(text: str | None) -> tuple[str, str, set[int]]:
    """The text as labels are keyed (folded, and as written for the capitals test) and where its words start."""
    pieces, starts, length, previous = [], set(), 0, ""
    for word in label_words(text, fold_case=False):
        if previous and not (_HANGUL_CHAR.match(previous[-1]) or _HANGUL_CHAR.match(word[0])):
            pieces.append(" ")
            length += 1
        starts.add(length)
        pieces.append(word)
        length += len(word)
        previous = word
    written = "".join(pieces)
    folded = written.casefold()
    return folded, (written if len(written) == len(folded) else folded), starts


def _fits(key: str, folded: str, written: str, i: int, word_starts: set[int]) -> bool:
    end = i + len(key)
    before = folded[i - 1] if i else " "
    after = folded[end] if end < len(folded) else " "
    if _HANGUL_CHAR.match(key[0]):
        syllables = len(_HANGUL_CHAR.findall(key))
        left_ok = syllables >= 3 or i in word_starts or not _HANGUL_CHAR.match(before)
    else:
        left_ok = before not in _LATIN_WORD
    if key[-1] in _LATIN_WORD:
        right_ok = after not in _LATIN_WORD and after not in "+#"
    else:
        right_ok = not (key[-1] in "+#" and after in _LATIN_WORD)
    if key.isascii() and key.isalpha() and len(key) <= 2:
        right_ok = right_ok and written[i:end].isupper() and before != "&" and after != "&"
    return left_ok and right_ok


_COMPAT_INITIALS = dict(zip("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ", map(chr, range(0x1100, 0x1113))))
_FINAL_AS_INITIAL = dict(zip(map(chr, [0x11A8, 0x11A9, 0x11AB, 0x11AE, 0x11AF, 0x11B7, 0x11B8, 0x11BA, 0x11BB,
                                       0x11BC, 0x11BD, 0x11BE, 0x11BF, 0x11C0, 0x11C1, 0x11C2]),
                             map(chr, [0x1100, 0x1101, 0x1102, 0x1103, 0x1105, 0x1106, 0x1107, 0x1109, 0x110A,
                                       0x110B, 0x110C, 0x110E, 0x110F, 0x1110, 0x1111, 0x1112])))


def _decompose(label: str) -> str:
    """Hangul as jamo, so a half-typed syllable is a prefix of the word being typed."""
    return unicodedata.normalize("NFD", "".join(_COMPAT_INITIALS.get(c, c) for c in label))


def _typing_prefixes(key: str) -> list[str]:
    """The decomposed query, and, while typing, its last final consonant read as the next syllable's initial."""
    decomposed = _decompose(key)
    if decomposed and decomposed[-1] in _FINAL_AS_INITIAL:
        return [decomposed, decomposed[:-1] + _FINAL_AS_INITIAL[decomposed[-1]]]
    return [decomposed]


def read_rows(path=SKILLS_CSV) -> list[dict]:
    """The rows of a skills CSV (slug, name_en, name_ko, category, parent, aliases)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def _reference() -> Taxonomy:
    return Taxonomy(read_rows())


def _rows_from_session(session: Session) -> list[dict]:
    """Skill rows with their aliases. Broader skills come from skills.csv: the skill table has no parent column."""
    skills = session.scalars(select(Skill).options(selectinload(Skill.aliases)).order_by(Skill.id)).all()
    slugs = {s.slug for s in skills}
    parents = {ref.slug: ref.parent for ref in _reference().skills.values() if ref.parent in slugs}
    return [{"id": s.id, "slug": s.slug, "name_en": s.name_en, "name_ko": s.name_ko, "category": s.category,
             "parent": parents.get(s.slug), "aliases": [a.alias for a in sorted(s.aliases, key=lambda a: a.id)]}
            for s in skills]


# ---- admin edits: they flush, the caller commits ------------------------------------------------------------------

def add_skill(session: Session, slug: str, name_en: str, name_ko: str, category: str,
              aliases: Iterable[str] = (), parent: str | None = None) -> Skill:
    """Create a skill; its names become aliases too, so every label that shows it also resolves to it."""
    slug = (slug or "").strip()
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        raise TaxonomyError(msg("use lowercase letters, digits and single hyphens, at most {limit} characters "
                                "(e.g. defect-detection)", limit=80), field="slug")
    if session.scalar(select(Skill.id).where(Skill.slug == slug)) is not None:
        raise TaxonomyError(msg("{slug} is already a skill", slug=slug), field="slug")
    _check_parent(slug, parent)
    skill = Skill(slug=slug, name_en=_text(name_en, "name_en", 120), name_ko=_text(name_ko, "name_ko", 120),
                  category=_text(category, "category", 60))
    session.add(skill)
    session.flush()
    for label in [skill.name_en, skill.name_ko, *aliases]:
        _attach(session, skill, label)
    _changed(session)
    return skill


def add_alias(session: Session, slug: str, alias: str, lang: str | None = None) -> SkillAlias:
    """Give a skill another label; lang is "ko" or "en", guessed from the script when left out."""
    row = _attach(session, _skill(session, slug), alias, lang)
    _changed(session)
    return row


def remove_alias(session: Session, slug: str, alias: str) -> None:
    """Take a label off a skill; its current names cannot be removed (rename the skill instead)."""
    skill = _skill(session, slug)
    key = normalise_label(alias)
    row = next((a for a in skill.aliases if a.normalised == key), None)
    if row is None:
        raise TaxonomyError(msg('"{alias}" is not an alias of {slug}', alias=normalise(alias), slug=slug),
                            field="alias")
    if key in (normalise_label(skill.name_en), normalise_label(skill.name_ko)):
        raise TaxonomyError(msg('"{alias}" is the name of {slug}; rename the skill first', alias=normalise(alias),
                                slug=slug), field="alias")
    skill.aliases.remove(row)
    session.flush()
    _changed(session)


def _skill(session: Session, slug: str) -> Skill:
    skill = session.scalar(select(Skill).where(Skill.slug == slug))
    if skill is None:
        raise NotFound(msg("No skill {slug}.", slug=repr(slug)))
    return skill


def _text(value, field: str, max_length: int) -> str:
    text = normalise(value if isinstance(value, str) else "")
    if not text or len(text) > max_length:
        raise TaxonomyError(msg("is required, at most {limit} characters", limit=max_length), field=field)
    return text


def _attach(session: Session, skill: Skill, alias: str, lang: str | None = None) -> SkillAlias:
    """The alias row for `alias` on `skill`, created unless it exists; TaxonomyError if another skill has it."""
    text = _text(alias, "aliases", 120)
    key = normalise_label(text)
    if not key or len(key) > 120:
        raise TaxonomyError(msg('"{alias}" has no letters to match on', alias=text), field="aliases")
    existing = session.scalar(select(SkillAlias).where(SkillAlias.normalised == key))
    if existing is not None:
        if existing.skill_id != skill.id:
            owner = existing.skill
            raise TaxonomyError(msg('"{alias}" is already an alias of {slug} ({name_ko} / {name_en})', alias=text,
                                    slug=owner.slug, name_ko=owner.name_ko, name_en=owner.name_en), field="aliases")
        return existing
    lang = lang or ("ko" if has_hangul(text) else "en")
    if lang not in ("ko", "en"):
        raise TaxonomyError(msg("use ko or en"), field="lang")
    row = SkillAlias(alias=text, normalised=key, lang=lang)
    skill.aliases.append(row)
    session.flush()
    return row


def _check_parent(slug: str, parent: str | None) -> None:
    """Broader skills live in skills.csv until the skill table has a parent column; only the shipped one is kept."""
    shipped = Taxonomy.reference().skills.get(slug)
    if parent and parent != (shipped.parent if shipped else None):
        raise TaxonomyError(msg("broader skills are curated in data/skills.csv for now; leave this empty"),
                            field="parent")


def _changed(session: Session) -> None:
    session.info["taxonomy_changed"] = True
    Taxonomy.invalidate()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_when_transaction_ends(session: Session, *_) -> None:
    """Cached taxonomies were built before an edit (or from one rolled back): drop them once it settles."""
    if session.info.pop("taxonomy_changed", False):
        Taxonomy.invalidate()


def skill_entries(session: Session, labels) -> list[tuple[str, int | None]]:
    """(label, skill id) per distinct skill. A taxonomy skill is stored under its English name whatever the
    seeker typed (so "머신러닝" and "Machine Learning" are one skill); anything else is kept as its normalised text
    with no id."""
    taxonomy = Taxonomy.from_session(session)
    entries: list[tuple[str, int | None]] = []
    for item in taxonomy.normalise_labels(labels):
        ref = taxonomy.skills[item.slug] if item.slug else None
        entries.append((ref.name_en, ref.id) if ref else (item.label, None))
    return entries
