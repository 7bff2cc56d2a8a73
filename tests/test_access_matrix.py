"""The access-control matrix: every URL rule of the app, for every kind of caller, on their own and others' objects.

The world holds two of each owner (seekers A and B, employers X and Y, institutions I and J), the operators of two
regions (A of Gyeongnam, the world's region, and B of Busan) and an admin, each with one object of every kind. Each
endpoint is called by everyone: those outside its declared audience get 401/403; those inside get their own
objects, and 403/404 when any owned argument names another owner's object (for an operator: another region's).
No response may contain another person's identifying strings (names, emails, phones, drafts, cohort codes,
trainees), and a refused request changes nothing. tests/access_policy.py declares what is expected. And no GET, by
anyone, writes to the database beyond the activity trail (the audit log of who saw what, the interaction log of
what a matching list showed, when an account or token was last used): a page that reads never writes.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import current_app, url_for
from flask_login.utils import _create_identifier
from werkzeug.security import generate_password_hash

from talent_match.extensions import db
from talent_match.models import (
    ApiToken,
    Application,
    ApplicationEvent,
    Cohort,
    Company,
    Consent,
    Enrollment,
    FollowUp,
    FollowUpRequest,
    Institution,
    Placement,
    Posting,
    Programme,
    Region,
    SeekerProfile,
    User,
)
from talent_match.models.base import utcnow
from talent_match.services.accounts.api_tokens import hash_token
from talent_match.services.training import outreach
from talent_match.web.access import PUBLIC, SIGNED_IN, audience_of

from .access_policy import POLICY
from .indexing_support import make_engine
from .page_support import sql_writes

PASSWORD = "correct-horse-battery"
ACTORS = ("anonymous", "seeker_a", "seeker_b", "employer_x", "employer_y", "institution_i", "institution_j",
          "operator_a", "operator_b", "admin")
PEER = {"seeker_a": "seeker_b", "seeker_b": "seeker_a", "employer_x": "employer_y", "employer_y": "employer_x",
        "institution_i": "institution_j", "institution_j": "institution_i", "operator_a": "operator_b",
        "operator_b": "operator_a", "admin": "seeker_a"}
HIRED_BY = {"institution_i": "employer_x", "institution_j": "employer_y"}  # whose trainee each employer hired
# Whose identifying strings each caller may legitimately see besides their own: an employer sees the seeker who
# applied to it (and whom it hired); the admin, who appoints operators, sees their names and addresses.
CIRCLE = {"employer_x": {"seeker_a"}, "employer_y": {"seeker_b"}, "admin": {"operator_a", "operator_b"}}
MUTABLE = (Application.status, ApiToken.revoked_at, Enrollment.seeker_user_id, Company.verified, Posting.status,
           Posting.title, Posting.city, SeekerProfile.headline, User.password_hash, User.active, Institution.name)


@dataclass
class Actor:
    name: str
    role: str | None = None
    user_id: int | None = None
    session_id: str | None = None
    token: str | None = None


@dataclass
class World:
    actors: dict[str, Actor]
    own: dict[str, dict[str, object]]      # actor -> world key -> their object
    other: dict[str, dict[str, object]]    # actor -> world key -> the peer's object
    fixed: dict[str, object]
    secrets: dict[str, list[str]] = field(default_factory=dict)  # owner -> strings that identify them


def _user(session, role, name, email, **extra) -> User:
    user = User(role=role, name=name, email=email, phone=extra.pop("phone", None), email_verified_at=utcnow(),
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1"), **extra)
    session.add(user)
    return user


def build_world(app) -> World:
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        s = db.session
        gn = s.scalar(sa.select(Region).where(Region.slug == "gyeongnam"))
        bs = s.scalar(sa.select(Region).where(Region.slug == "busan"))
        secrets: dict[str, list[str]] = {}
        users: dict[str, User] = {}

        def person(actor, role, **extra):
            letter = actor[-1].upper()
            name = f"운영{letter}담당{tag}" if role == "operator" else f"비밀{letter}사람{tag}"
            email = f"{actor}-{tag}@example.kr"
            users[actor] = _user(s, role, name, email, **extra)
            secrets[actor] = [name, email]
            return users[actor]

        region = {"employer_x": gn, "employer_y": bs, "seeker_a": gn, "seeker_b": bs}
        companies, postings, drafts = {}, {}, {}
        for actor in ("employer_x", "employer_y"):
            letter = actor[-1].upper()
            companies[actor] = Company(name=f"{letter}정밀 {tag}", region=region[actor])
            person(actor, "employer", company=companies[actor])
            postings[actor] = Posting(company=companies[actor], title=f"{letter} 머신러닝 엔지니어",
                                      region=region[actor], status="open", description="PyTorch 불량 검출")
            drafts[actor] = Posting(company=companies[actor], title=f"초안{letter}공고{tag}", region=region[actor],
                                    status="draft", description=f"비공개설명{letter}{tag}")
            s.add_all([postings[actor], drafts[actor]])
            secrets[actor] += [drafts[actor].title, drafts[actor].description]
        profiles = {}
        for actor, phone in (("seeker_a", f"010-71{tag[:2].translate(_DIGITS)}-{tag[2:6].translate(_DIGITS)}"),
                             ("seeker_b", f"010-72{tag[:2].translate(_DIGITS)}-{tag[2:6].translate(_DIGITS)}")):
            letter = actor[-1].upper()
            user = person(actor, "seeker", phone=phone)
            # Each is discoverable in their own region only, where one employer is: X may find A, Y may find B.
            profiles[actor] = SeekerProfile(user=user, home_region=region[actor], headline=f"숨은헤드라인{letter}{tag}",
                                            summary="Python PyTorch", cv_text=f"이력서본문{letter}{tag}",
                                            discoverable=True)
            s.add(profiles[actor])
            secrets[actor] += [phone, profiles[actor].headline, profiles[actor].cv_text]
        applications = {
            "seeker_a": Application(posting=postings["employer_x"], profile=profiles["seeker_a"],
                                    initiated_by="seeker", status="applied", note=f"지원메모A{tag}"),
            "seeker_b": Application(posting=postings["employer_y"], profile=profiles["seeker_b"],
                                    initiated_by="seeker", status="applied", note=f"지원메모B{tag}"),
        }
        s.add_all(applications.values())
        secrets["seeker_a"].append(applications["seeker_a"].note)
        secrets["seeker_b"].append(applications["seeker_b"].note)
        institutions, cohorts, enrollments, placements, follow_ups = {}, {}, {}, {}, {}
        for actor, hired_by in HIRED_BY.items():
            letter = actor[-1].upper()
            institutions[actor] = Institution(slug=f"inst-{letter.lower()}-{tag}", name=f"{letter}아카데미{tag}",
                                              region=gn)
            person(actor, "institution", institution=institutions[actor])
            programme = Programme(institution=institutions[actor], name=f"{letter}과정{tag}")
            start = date.today() - timedelta(days=400)
            cohorts[actor] = Cohort(institution=institutions[actor], programme=programme, code=f"{letter}기수{tag}",
                                    region=gn, start_date=start, end_date=start + timedelta(days=150))
            enrollments[actor] = Enrollment(institution=institutions[actor], cohort=cohorts[actor],
                                            trainee_ref=f"{letter}REF{tag}", name=f"훈련생{letter}{tag}",
                                            email=f"trainee-{letter.lower()}-{tag}@example.kr", status="completed",
                                            completion_date=start + timedelta(days=150))
            placements[hired_by] = Placement(enrollment=enrollments[actor], seeker_user_id=None,
                                             company=companies[hired_by], employer_name=companies[hired_by].name,
                                             job_title="ML 엔지니어", region=gn,
                                             start_date=date.today() - timedelta(days=200), source="institution")
            follow_ups[actor] = FollowUp(enrollment=enrollments[actor], checkpoint_month=3, region=gn,
                                         status="employed_same_employer", evidence="employer",
                                         checked_on=date.today() - timedelta(days=100))
            s.add_all([programme, cohorts[actor], enrollments[actor], placements[hired_by], follow_ups[actor]])
            secrets[actor] += [programme.name, cohorts[actor].code,  # its name is public
                               enrollments[actor].trainee_ref, enrollments[actor].name, enrollments[actor].email]
        person("operator_a", "operator", region=gn)
        person("operator_b", "operator", region=bs)
        busan_institution = Institution(slug=f"inst-k-{tag}", name=f"K아카데미{tag}", region=bs)
        s.add(busan_institution)
        person("admin", "admin")
        s.flush()
        for actor, user in users.items():
            s.add(Consent(user_id=user.id, item="privacy_required", version="t", granted=True))
        for application in applications.values():
            s.add(ApplicationEvent(application=application, from_status=None, to_status="applied"))

        actors = {"anonymous": Actor("anonymous")}
        victims = {}
        for actor, user in users.items():
            value = f"tm_{uuid.uuid4().hex}"
            s.add(ApiToken(user_id=user.id, name="api", prefix=value[:8], token_hash=hash_token(value)))
            victim = ApiToken(user_id=user.id, name="victim", prefix="tm_victm", token_hash=uuid.uuid4().hex)
            s.add(victim)
            s.flush()
            victims[actor] = victim.id
            actors[actor] = Actor(actor, user.role, user.id, user.get_id(), value)

        def keys(actor: str) -> dict:
            employer = actor if actor in postings else "employer_x"
            seeker = actor if actor in profiles else "seeker_a"
            inst = actor if actor in institutions else "institution_i"
            mine = {
                "posting": postings[employer].id,
                "visible_posting": drafts[actor].id if actor in drafts else postings["employer_x"].id,
                "candidate": profiles["seeker_a" if employer == "employer_x" else "seeker_b"].id,
                "application": applications[seeker if actor in profiles else
                                            ("seeker_a" if employer == "employer_x" else "seeker_b")].id,
                "placement": placements[employer].id,
                "cohort": cohorts[inst].id, "enrollment": enrollments[inst].id, "cohort_code": cohorts[inst].code,
                "programme": cohorts[inst].programme_id,
                "trainee_placement": placements[HIRED_BY[inst]].id, "follow_up": follow_ups[inst].id,
                "token": victims.get(actor, victims["seeker_a"]),
                # the programme office's: Busan's for its operator, Gyeongnam's for everyone else
                "region": "busan" if actor == "operator_b" else "gyeongnam",
                "region_company": companies["employer_y" if actor == "operator_b" else "employer_x"].id,
                "region_institution": (busan_institution if actor == "operator_b"
                                       else institutions["institution_i"]).id,
            }
            return mine

        own = {actor: keys(actor) for actor in ACTORS}
        other = {}
        for actor in ACTORS:
            peer = PEER.get(actor, "seeker_b")
            theirs = dict(keys(peer))
            theirs["visible_posting"] = drafts["employer_x" if actor == "employer_y" else "employer_y"].id
            theirs["token"] = victims[peer]
            other[actor] = theirs
        fixed = {"company": companies["employer_x"].id, "operator": users["operator_b"].id,
                 "answer_token": _asked(s, institutions["institution_i"], cohorts["institution_i"], gn, tag)}
        s.commit()
        db.session.remove()
    return World(actors, own, other, fixed, secrets)


_DIGITS = str.maketrans("abcdef", "123456")


def _asked(s, institution, cohort, region, tag) -> str:
    """The token of a live emailed question about a trainee whose name its link may show to anyone holding it."""
    asked = Enrollment(institution=institution, cohort=cohort, trainee_ref=f"ASK{tag}", name="질문받은훈련생",
                       status="completed", completion_date=cohort.end_date)
    job = Placement(enrollment=asked, employer_name="질문받은회사", job_title="ML 엔지니어", region=region,
                    start_date=date.today() - timedelta(days=100), source="institution")
    now = datetime.now(timezone.utc)
    request = FollowUpRequest(enrollment=asked, placement=job, checkpoint_month=3, audience="employer",
                              email="hr@example.kr", nonce=uuid.uuid4().hex, sent_at=now, last_sent_at=now,
                              expires_at=now + timedelta(days=30))
    s.add_all([asked, job, request])
    s.flush()
    return outreach.Links.of(current_app.config).url(request).rsplit("/", 1)[1]


def _identifier(app) -> str:
    """What Flask-Login's strong session protection expects of the test client (its address and user agent)."""
    with app.test_request_context(environ_base=app.test_client().environ_base):
        return _create_identifier()


def _client(app, world: World, actor: str, api: bool, identifier: str):
    who = world.actors[actor]
    if api:
        client = app.test_client(use_cookies=False)
        headers = {"Authorization": f"Bearer {who.token}"} if who.token else {}
        return client, headers
    client = app.test_client()
    if who.session_id:
        with client.session_transaction() as session:
            session.update({"_user_id": who.session_id, "_fresh": True, "_id": identifier})
    return client, {}


def _fill(template, values: dict):
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return values[template[1:-1]]
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    return template


def _owned(rule, role: str | None) -> dict[str, str]:
    """argument -> world key, for the arguments this role must own."""
    owned = {}
    for argument, key in rule.owns.items():
        if isinstance(key, dict):
            key = key.get(role)
        if key:
            owned[argument] = key
    return owned


def _world_key(rule, argument: str, role: str | None) -> str | None:
    key = rule.owns.get(argument)
    if isinstance(key, dict):
        key = key.get(role) or next(iter(key.values()))
    return key


def _request(app, world, identifier, endpoint, url_rule, method, actor, swapped=frozenset()):
    rule = POLICY[endpoint]
    who = world.actors[actor]
    values = dict(world.fixed)
    for argument in rule.owns:
        key = _world_key(rule, argument, who.role)
        source = world.other[actor] if argument in swapped else world.own[actor]
        values[argument] = source[key]
    path_args = {name: values[name] if name in values else _fill(rule.args.get(name), values)
                 for name in url_rule.arguments}
    query = _fill(rule.query, values)
    with app.test_request_context():
        url = url_for(endpoint, **path_args, **query)
    api = url_rule.rule.startswith("/api/")
    client, headers = _client(app, world, actor, api, identifier)
    kwargs = {"headers": headers}
    body = rule.body
    if isinstance(body, dict) and body and set(body) <= {"seeker", "employer", "institution", "operator", "admin"}:
        body = body.get(who.role) or next(iter(body.values()))
    body = _fill(body, values)
    if method in ("POST", "PUT", "PATCH"):
        if rule.raw is not None:
            kwargs.update(content_type=rule.raw[0], data=rule.raw[1])
        elif api:
            kwargs["json"] = body if body is not None else {}
        else:
            kwargs["data"] = body or {}
    return getattr(client, method.lower())(url, **kwargs), url


def _forbidden_strings(world: World, actor: str) -> list[str]:
    allowed = {actor} | CIRCLE.get(actor, set())
    return [secret for owner, strings in world.secrets.items() if owner not in allowed for secret in strings]


def _fingerprint(app) -> tuple:
    """Row counts of every table and the columns a request could flip, in two round trips."""
    counts = [sa.select(sa.func.count()).select_from(table).scalar_subquery()
              for table in db.metadata.sorted_tables
              if table.name not in {"region", "skill", "skill_alias", "alembic_version"}]
    with app.app_context():
        with db.engine.connect() as conn:
            totals = tuple(conn.execute(sa.select(*counts)).one())
            states = tuple(sorted(map(repr, conn.execute(sa.union_all(*(
                sa.select(sa.literal(str(column)), sa.cast(column, sa.String)) for column in MUTABLE))).all())))
    return totals + states


# What a GET may write: the audit trail (candidate views, exports), the matching lists' interaction log (what a
# list showed, what was opened: services.hiring.interactions), and when an account or token was last used.
ACTIVITY_WRITES = re.compile(r'(INSERT INTO audit_event\b|INSERT INTO match_interaction\b|UPDATE "?user"? SET '
                             r'last_seen_at=|UPDATE api_token SET last_used_at=)')


def _methods(url_rule) -> list[str]:
    return sorted(url_rule.methods - {"HEAD", "OPTIONS"})


def _rules_of(app, endpoint):
    return [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]


# --- the table itself -------------------------------------------------------------------------------------------

def test_every_route_is_declared_in_the_policy_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(endpoints - set(POLICY))
    stale = sorted(set(POLICY) - endpoints)
    assert not missing, f"routes missing from tests/access_policy.py (deny by default): {missing}"
    assert not stale, f"tests/access_policy.py lists endpoints that no longer exist: {stale}"


def test_the_code_declares_the_audience_the_policy_table_declares(app):
    wrong = {endpoint: (sorted(audience_of(app, endpoint) or []), sorted(rule.audience))
             for endpoint, rule in POLICY.items()
             if endpoint in app.view_functions and audience_of(app, endpoint) != rule.audience}
    assert not wrong, f"endpoint: (declared in code, declared in policy): {wrong}"


# --- the matrix -------------------------------------------------------------------------------------------------

@pytest.fixture
def world(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.extensions, "search_engine", make_engine(tmp_path / "indexes"))  # no model to load
    return build_world(app)


def _may_enter(audience, role) -> bool:
    return PUBLIC in audience or (role is not None and (SIGNED_IN in audience or role in audience))


@pytest.mark.parametrize("endpoint", sorted(POLICY))
def test_access_matrix(app, world, endpoint):
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} is not registered")
    rule = POLICY[endpoint]
    identifier = _identifier(app)
    problems: list[str] = []

    def check(response, url, actor, method, expected=None):
        body = response.get_data().decode("utf-8", errors="replace")  # an image or a spreadsheet is bytes
        if response.status_code >= 500:
            problems.append(f"{actor} {method} {url}: {response.status_code}")
        if expected is not None and response.status_code not in expected:
            problems.append(f"{actor} {method} {url}: {response.status_code}, expected {sorted(expected)}")
        leaked = [secret for secret in _forbidden_strings(world, actor) if secret in body]
        if leaked:
            problems.append(f"{actor} {method} {url}: leaks {leaked}")
        if "Traceback" in body:
            problems.append(f"{actor} {method} {url}: shows a traceback")

    before = _fingerprint(app)
    own_calls = []
    for url_rule in _rules_of(app, endpoint):
        for method in _methods(url_rule):
            for actor in ACTORS:
                role = world.actors[actor].role
                if not _may_enter(rule.audience, role):
                    response, url = _request(app, world, identifier, endpoint, url_rule, method, actor)
                    check(response, url, actor, method, {401} if role is None else {403})
                    continue
                owned = _owned(rule, role)
                swaps = [frozenset({argument}) for argument in owned]
                if len(owned) > 1:
                    swaps.append(frozenset(owned))
                for swapped in swaps:
                    response, url = _request(app, world, identifier, endpoint, url_rule, method, actor, swapped)
                    check(response, url, actor, method, {403, 404})
                own_calls.append((url_rule, method, actor))
    assert _fingerprint(app) == before or problems, "a refused request changed the database"
    for url_rule, method, actor in own_calls:
        with sql_writes(app, ACTIVITY_WRITES) as writes:
            response, url = _request(app, world, identifier, endpoint, url_rule, method, actor)
        check(response, url, actor, method)
        if method == "GET" and writes:
            problems.append(f"{actor} GET {url} writes: {writes}")
        if response.status_code in (401, 403, 404, 405):
            problems.append(f"{actor} {method} {url}: {response.status_code} on their own object")
    assert not problems, "\n".join(problems)


# --- field-level rules ------------------------------------------------------------------------------------------

def _as(app, world, actor, api=False):
    client, headers = _client(app, world, actor, api, _identifier(app))
    if api:
        class Bearer:
            def __getattr__(self, method):
                return lambda url, **kw: getattr(client, method)(url, headers={**headers, **kw.pop("headers", {})},
                                                                 **kw)
        return Bearer()
    return client


def _new_seeker(app, world, home="gyeongnam") -> tuple[int, int, str, str]:
    """A discoverable seeker C who has not applied anywhere: (user id, profile id, email, phone)."""
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.slug == home))
        user = _user(db.session, "seeker", f"씨사람{tag}", f"c-{tag}@example.kr", phone="010-5555-0199")
        profile = SeekerProfile(user=user, home_region=region, headline="비전 엔지니어 Python", discoverable=True)
        db.session.add(profile)
        value = f"tm_{uuid.uuid4().hex}"
        db.session.flush()
        db.session.add(ApiToken(user_id=user.id, name="api", prefix=value[:8], token_hash=hash_token(value)))
        db.session.commit()
        world.actors["seeker_c"] = Actor("seeker_c", "seeker", user.id, user.get_id(), value)
        ids = user.id, profile.id, user.email, user.phone
        db.session.remove()
    return ids


def _api_contact(app, world, posting_id, profile_id):
    response = _as(app, world, "employer_x", api=True).get(f"/api/v1/postings/{posting_id}/matches?per_page=100")
    assert response.status_code == 200, response.json
    return next(item["contact"] for item in response.json["items"] if item["profile_id"] == profile_id)


def test_employers_see_contact_details_only_after_the_seeker_applied_or_accepted(app, world):
    posting = world.own["employer_x"]["posting"]
    _, profile_id, email, phone = _new_seeker(app, world)
    employer = _as(app, world, "employer_x")

    def web_page():
        response = employer.get(f"/employers/postings/{posting}/candidates/{profile_id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert email not in web_page() and phone not in web_page()
    assert _api_contact(app, world, posting, profile_id) is None

    assert employer.post(f"/employers/postings/{posting}/invite/{profile_id}", data={"note": "지원해 주세요"}
                         ).status_code == 302
    assert email not in web_page() and _api_contact(app, world, posting, profile_id) is None  # invited only

    seeker = _as(app, world, "seeker_c", api=True)
    invitation = seeker.get("/api/v1/applications").json["items"][0]
    assert seeker.patch(f"/api/v1/applications/{invitation['id']}", json={"status": "applied"}).status_code == 200
    assert email in web_page() and phone in web_page()
    assert _api_contact(app, world, posting, profile_id) == {"name": mock_name(app, profile_id), "email": email,
                                                             "phone": phone}

    assert seeker.patch(f"/api/v1/applications/{invitation['id']}", json={"status": "withdrawn"}).status_code == 200
    assert email not in web_page() and _api_contact(app, world, posting, profile_id) is None


def mock_name(app, profile_id) -> str:
    with app.app_context():
        return db.session.get(SeekerProfile, profile_id).user.name


def test_contact_details_of_an_applicant_stay_with_the_company_applied_to(app, world):
    """A applied to X: X sees A's email; Y, which A never applied to, does not, even once A is visible to Y."""
    profile_a = world.own["employer_x"]["candidate"]
    email = next(s for s in world.secrets["seeker_a"] if "@" in s)
    with app.app_context():
        profile = db.session.get(SeekerProfile, profile_a)
        profile.accepted_regions = [db.session.scalar(sa.select(Region).where(Region.slug == "busan"))]
        db.session.commit()
    posting_y = world.own["employer_y"]["posting"]
    page = _as(app, world, "employer_y").get(f"/employers/postings/{posting_y}/candidates/{profile_a}")
    assert page.status_code == 200 and email not in page.get_data(as_text=True)
    page = _as(app, world, "employer_x").get(f"/employers/postings/{world.own['employer_x']['posting']}"
                                             f"/candidates/{profile_a}")
    assert email in page.get_data(as_text=True)


# --- no mass assignment -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("field_name,value", [("role", "admin"), ("user_id", 1), ("id", 999), ("active", False),
                                              ("email", "evil@example.kr"), ("session_version", 99)])
def test_the_profile_api_refuses_fields_that_are_not_the_profiles(app, world, field_name, value):
    seeker = _as(app, world, "seeker_a", api=True)
    response = seeker.put("/api/v1/profile", json={"headline": "바뀐 헤드라인", field_name: value})
    assert response.status_code == 422 and field_name in response.json["errors"]
    with app.app_context():
        user = db.session.get(User, world.actors["seeker_a"].user_id)
        assert user.role == "seeker" and user.active and user.profile.headline.startswith("숨은헤드라인")


@pytest.mark.parametrize("method,path,body", [
    ("post", "/api/v1/postings", {"title": "새 공고", "company_id": "{other_company}"}),
    ("patch", "/api/v1/postings/{posting}", {"company_id": "{other_company}"}),
    ("patch", "/api/v1/postings/{posting}", {"id": 1}),
    ("post", "/api/v1/applications", {"posting_id": "{posting}", "profile_id": "{candidate}", "status": "hired"}),
    ("patch", "/api/v1/applications/{application}", {"status": "reviewing", "posting_id": "{posting}"}),
])
def test_the_api_refuses_owner_and_id_fields_from_employers(app, world, method, path, body):
    with app.app_context():
        other_company = db.session.scalar(sa.select(Posting.company_id).where(
            Posting.id == world.other["employer_x"]["posting"]))
    values = {**world.own["employer_x"], "other_company": other_company}
    before = _fingerprint(app)
    response = getattr(_as(app, world, "employer_x", api=True), method)(
        path.format(**values), json={k: _fill(v, values) for k, v in body.items()})
    assert response.status_code == 422, response.json
    assert set(body) - {"title", "status", "posting_id", "profile_id"} <= set(response.json["errors"])
    assert _fingerprint(app) == before


def test_seekers_cannot_set_status_or_someone_elses_profile_when_applying(app, world):
    seeker = _as(app, world, "seeker_b", api=True)
    posting = world.own["employer_x"]["posting"]
    response = seeker.post("/api/v1/applications", json={"posting_id": posting, "status": "hired"})
    assert response.status_code == 422 and "status" in response.json["errors"]
    response = seeker.post("/api/v1/applications", json={"posting_id": posting,
                                                          "profile_id": world.own["employer_x"]["candidate"]})
    assert response.status_code == 403  # only employers invite, and only with someone's profile_id
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 2


def test_web_forms_ignore_role_owner_and_id_fields(app, world):
    seeker = _as(app, world, "seeker_a")
    other_user = world.actors["seeker_b"].user_id
    response = seeker.post("/seekers/profile", data={
        "kind": "bootcamp_graduate", "home_region": "gyeongnam", "headline": "폼 헤드라인", "summary": "",
        "skills": "Python", "years_experience": "1", "work_mode": "", "role": "admin", "user_id": str(other_user),
        "id": "1", "active": "", "email": "evil@example.kr"})
    assert response.status_code == 302
    employer = _as(app, world, "employer_x")
    other_company = world.fixed["company"] + 1
    assert employer.post("/employers/company", data={
        "name": "X정밀 새이름", "region": "gyeongnam", "industry": "기계", "size": "10-49", "verified": "y",
        "id": str(other_company)}).status_code == 302
    assert employer.post("/employers/postings/new", data={
        "title": "폼 공고", "description": "설명", "region": "gyeongnam", "employment_type": "full_time",
        "work_mode": "onsite", "status": "draft", "openings": "1", "min_experience": "0",
        "company_id": str(other_company)}).status_code == 302
    institution = _as(app, world, "institution_i")
    assert institution.post("/institutions/cohorts", data={
        "cohort_code": "폼기수", "programme_name": "폼과정", "region": "gyeongnam", "start_date": "2025-01-06",
        "end_date": "2025-06-30", "institution_id": "999"}).status_code == 302
    with app.app_context():
        s = db.session
        user = s.get(User, world.actors["seeker_a"].user_id)
        assert (user.role, user.email.startswith("seeker_a-"), user.active) == ("seeker", True, True)
        assert user.profile.headline == "폼 헤드라인" and s.get(User, other_user).profile.headline != "폼 헤드라인"
        company = s.get(User, world.actors["employer_x"].user_id).company
        assert company.id == world.fixed["company"] and not company.verified
        assert s.scalar(sa.select(Posting.company_id).where(Posting.title == "폼 공고")) == company.id
        assert s.scalar(sa.select(Cohort.institution_id).where(Cohort.code == "폼기수")) == \
            s.get(User, world.actors["institution_i"].user_id).institution_id


def test_registration_cannot_choose_the_admin_role(app, client):
    response = client.post("/auth/register", data={
        "role": "admin", "name": "관리자", "email": "sneaky@example.kr", "password": PASSWORD, "confirm": PASSWORD,
        "region": "gyeongnam", "privacy": "y"})
    assert response.status_code in (200, 422)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "sneaky@example.kr")) is None


def test_the_api_never_reads_the_session_cookie(app, world):
    """A page in another tab cannot act through the API: only a bearer token authenticates there."""
    browser = _as(app, world, "seeker_a")
    assert browser.get("/api/v1/profile").status_code == 401
    assert browser.put("/api/v1/profile", json={"headline": "x"}).status_code == 401
