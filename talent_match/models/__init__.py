"""All tables, imported here so Alembic and the app see one metadata."""
from .accounts import MATCH_DIGESTS, ROLES, ApiToken, AuditEvent, Consent, User
from .applications import APPLICATION_STATUSES, Application, ApplicationEvent
from .interactions import INTERACTION_EVENTS, INTERACTION_SIDES, MatchInteraction
from .indexing import ENTITY_KINDS, BackgroundJob, IndexChange, LexicalTokens, StoredVector
from .mail import OUTBOX_STATUSES, OutboxMessage
from .outcomes import (FOLLOW_UP_AUDIENCES, FOLLOW_UP_EVIDENCE, FOLLOW_UP_STATUSES, PLACEMENT_SOURCES,
                       VERIFYING_EVIDENCE, FollowUp, FollowUpRequest, Placement, PublicRelease)
from .postings import (COMPANY_SIZES, EMPLOYMENT_TYPES, POSTING_STATUSES, Company, HiddenPosting, MatchFeedback,
                       Posting, PostingSkill)
from .profiles import SEEKER_KINDS, WORK_MODES, ProfileSkill, SeekerProfile, profile_accepted_region
from .readiness import READINESS_LEVELS, READINESS_SOURCES, ProgrammeSkill, ReadinessAnswer, ReadinessRating
from .regions import Region, WatchedSkill
from .skills import Skill, SkillAlias
from .training import (ENROLLMENT_STATUSES, EXCLUSION_REASONS, FUNDING_SOURCES, INSTITUTION_KINDS, Cohort, Enrollment,
                       Institution, Programme)

__all__ = [name for name in dir() if not name.startswith("_")]
