"""What each kind of searchable entity is: its table, what to load with it, its document, and which shards hold it.

Membership is said once per kind, in the forms its readers need side by side: `shard_regions` for one loaded
entity (the writer's sync), `in_regions` as a WHERE clause (the lexical index, and matching's eligibility, which
adds the deadline for postings) and `placements` as (entity id, region id) rows (a rebuild, many regions in one
pass). A posting is in its region's shard while open; a profile in its home and accepted regions' shards while
discoverable and its account's address is confirmed. tests/test_indexing.py checks that the three forms agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from ...models import Posting, PostingSkill, ProfileSkill, SeekerProfile, User, profile_accepted_region
from . import documents


@dataclass(frozen=True)
class EntityKind:
    name: str                                              # as written in StoredVector, LexicalTokens, the log
    model: type
    load_options: tuple                                    # what `document` and `shard_regions` read
    document: Callable[..., documents.Document]            # (entity, taxonomy=None)
    shard_regions: Callable[[object], set[int]]            # the regions whose shard should hold it now
    in_regions: Callable[[Iterable[int]], ColumnElement]   # WHERE it belongs in one of these regions' shards
    placements: Callable[[Iterable[int]], list[Select]]    # (entity id, region id) of those shards' members


def _open_posting_regions(posting: Posting) -> set[int]:
    return {posting.region_id} if posting.status == "open" else set()


def _open_postings_in(region_ids: Iterable[int]) -> ColumnElement:
    return (Posting.status == "open") & Posting.region_id.in_(list(region_ids))


def _open_posting_placements(region_ids: Iterable[int]) -> list[Select]:
    return [select(Posting.id, Posting.region_id).where(_open_postings_in(region_ids))]


def _discoverable_profile_regions(profile: SeekerProfile) -> set[int]:
    findable = profile.discoverable and profile.user.email_verified_at is not None
    return profile.region_ids() if findable else set()


def _discoverable() -> ColumnElement:
    return SeekerProfile.discoverable.is_(True) & SeekerProfile.user.has(User.email_verified_at.is_not(None))


def _discoverable_profiles_in(region_ids: Iterable[int]) -> ColumnElement:
    """Correlated (EXISTS), not IN (SELECT ...): a region's accepting seekers run to tens of thousands at national
    scale, and matching asks this of a few hundred profiles at a time."""
    regions = list(region_ids)
    accepted = (select(profile_accepted_region.c.profile_id)
                .where(profile_accepted_region.c.profile_id == SeekerProfile.id,
                       profile_accepted_region.c.region_id.in_(regions)).exists())
    return _discoverable() & or_(SeekerProfile.home_region_id.in_(regions), accepted)


def _discoverable_profile_placements(region_ids: Iterable[int]) -> list[Select]:
    """By home region, then by accepted regions: a profile may come twice for one region."""
    regions = list(region_ids)
    home = select(SeekerProfile.id, SeekerProfile.home_region_id).where(
        _discoverable(), SeekerProfile.home_region_id.in_(regions))
    accepted = (select(SeekerProfile.id, profile_accepted_region.c.region_id)
                .join(profile_accepted_region, profile_accepted_region.c.profile_id == SeekerProfile.id)
                .where(_discoverable(), profile_accepted_region.c.region_id.in_(regions)))
    return [home, accepted]


POSTING = EntityKind(
    name="posting", model=Posting,
    load_options=(selectinload(Posting.skills).selectinload(PostingSkill.skill),),
    document=documents.posting_document, shard_regions=_open_posting_regions,
    in_regions=_open_postings_in, placements=_open_posting_placements)

PROFILE = EntityKind(
    name="profile", model=SeekerProfile,
    load_options=(selectinload(SeekerProfile.skills).selectinload(ProfileSkill.skill),
                  selectinload(SeekerProfile.accepted_regions), selectinload(SeekerProfile.user)),
    document=documents.profile_document, shard_regions=_discoverable_profile_regions,
    in_regions=_discoverable_profiles_in, placements=_discoverable_profile_placements)

KINDS: dict[str, EntityKind] = {kind.name: kind for kind in (POSTING, PROFILE)}  # in models.ENTITY_KINDS order


def kind_of(name: str) -> EntityKind:
    """The kind called `name`; ValueError naming the kinds there are for any other."""
    if name not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {name!r}")
    return KINDS[name]
