"""What every demo generator shares: the row sink, seeded randomness, region ids, skills and the user rows."""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Region
from ..reference.taxonomy import SkillRef, Taxonomy
from ..reference.text import normalise
from .people import GIVEN_NAMES, SURNAMES
from .writer import RowSink

_SURNAME_CUM = list(itertools.accumulate(w for _, _, w in SURNAMES))


class SkillBook:
    """Labels resolved against the skill taxonomy once each: taxonomy skills are stored under their canonical
    English name with their id (as profiles and postings store them), anything else as normalised free text."""

    def __init__(self, session: Session):
        self.taxonomy = Taxonomy.from_session(session)
        self._cache: dict[str, tuple[str, int | None, SkillRef | None]] = {}

    def __len__(self) -> int:
        return len(self.taxonomy)

    def _lookup(self, label: str) -> tuple[str, int | None, SkillRef | None]:
        hit = self._cache.get(label)
        if hit is None:
            ref = self.taxonomy.resolve(label)
            hit = (ref.name_en, ref.id, ref) if ref is not None and ref.id else (normalise(label), None, None)
            self._cache[label] = hit
        return hit

    def resolve(self, label: str) -> tuple[str, int | None]:
        """(stored label, skill id or None)."""
        stored, skill_id, _ = self._lookup(label)
        return stored, skill_id

    def spoken(self, rng: random.Random, label: str, korean_share: float = 0.35) -> str:
        """The label as a person might write it: the Korean name some of the time, but not half-English names
        ("오픈CV") and rarely transliterated tool names ("판다스"): Korean CVs write those in English."""
        stored, _, ref = self._lookup(label)
        if ref is None or any("a" <= c.lower() <= "z" for c in ref.name_ko):
            return stored
        share = korean_share * (0.3 if ref.category in ("programming", "mlops", "data") else 1.0)
        return ref.name_ko if rng.random() < share else stored


@dataclass
class Context:
    session: Session
    sink: RowSink
    seed: int
    today: date
    consent_version: str
    shared_hash: str
    skills: SkillBook
    checkpoint_months: tuple[int, ...] = (3, 6, 9, 12)
    region_ids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.region_ids = dict(self.session.execute(select(Region.slug, Region.id)).tuples().all())

    def rng(self, part: str) -> random.Random:
        """An independent stream per part, so changing one generator leaves the others' rows as they were."""
        return random.Random(f"{self.seed}:{part}")

    def moment(self, rng: random.Random, day: date) -> datetime:
        """A time on `day` in Korean office hours (09:00-19:00 KST is 00:00-10:00 UTC), as UTC."""
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(
            seconds=rng.randrange(36_000))

    def day_between(self, rng: random.Random, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=rng.randrange((end - start).days + 1))

    def person(self, rng: random.Random) -> tuple[str, str]:
        """(Korean name, romanised given.surname) drawn with surname frequencies."""
        surname, surname_rom, _ = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
        given, given_rom = rng.choice(GIVEN_NAMES)
        return surname + given, f"{given_rom}.{surname_rom}"

    def user(self, *, role: str, email: str, name: str, created: datetime, password_hash: str | None = None,
             company_id: int | None = None, institution_id: int | None = None, user_id: int | None = None,
             region_id: int | None = None) -> int:
        user_id = user_id or self.sink.new_id("user")
        self.sink.add("user", {
            "id": user_id, "email": email, "password_hash": password_hash or self.shared_hash, "role": role,
            "name": name, "phone": None, "locale": "ko", "active": True, "last_seen_at": None,
            "company_id": company_id, "institution_id": institution_id, "session_version": 0, "region_id": region_id,
            "email_verified_at": created, "created_at": created, "updated_at": created})
        self.consent(user_id, "privacy_required", True, created)
        return user_id

    def consent(self, user_id: int, item: str, granted: bool, at: datetime) -> None:
        self.sink.add("consent", {"id": self.sink.new_id("consent"), "user_id": user_id, "item": item,
                                  "version": self.consent_version, "granted": granted, "created_at": at})


def josa(word: str, with_final: str, without_final: str) -> str:
    """`word` with the particle that fits its last syllable: josa("담당", "으로", "로") -> "담당으로"."""
    last = word[-1] if word else ""
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        fits = final and not (with_final == "으로" and final == 8)  # ㄹ takes 로
        return word + (with_final if fits else without_final)
    return word + without_final


_CUMULATIVE: dict[int, tuple[list, list, tuple]] = {}


def weighted(rng: random.Random, pairs: tuple) -> str:
    """Pick a key from a constant tuple of (key, weight, ...) tuples."""
    table = _CUMULATIVE.get(id(pairs))
    if table is None or table[2] is not pairs:
        table = _CUMULATIVE[id(pairs)] = ([p[0] for p in pairs], list(itertools.accumulate(p[1] for p in pairs)),
                                          pairs)
    return rng.choices(table[0], cum_weights=table[1])[0]
