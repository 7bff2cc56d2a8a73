"""The declared access policy: who may call each endpoint, and which of its arguments must be the caller's own.

This table is the reviewed statement of intent; tests/test_access_matrix.py checks the code against it. A new
route that is not listed here fails the test (deny by default): add it with its audience and ownership rule.

Rule fields
    audience  who may enter, in web.access terms: PUBLIC, SIGNED_IN or roles (must equal what the code declares)
    owns      {argument: world key}: URL, query or body arguments naming objects that must be the caller's own
              (or, for "visible_posting", that the caller may see). Another owner's object answers 403 or 404.
              A {role: world key} value owns the argument for those roles only (for the others it filters).
    args      fixed URL arguments that are not owned (a region slug, an export format...)
    query     query-string arguments; "{name}" is filled like a URL argument
    body      the form (web) or JSON (API) body; "{name}" is filled like a URL argument. A dict keyed by role
              gives each role its own body. API bodies are JSON unless `raw` says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from talent_match.web.access import PUBLIC, SIGNED_IN

SEEKER, EMPLOYER, INSTITUTION, OPERATOR, ADMIN = "seeker", "employer", "institution", "operator", "admin"


@dataclass(frozen=True)
class Rule:
    audience: frozenset
    owns: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict | None = None
    raw: tuple | None = None  # (content type, bytes) for a non-JSON API body


def rule(*audience: str, **kwargs) -> Rule:
    return Rule(frozenset(audience), **kwargs)


POSTING = {"posting_id": "posting"}               # the employer's own company's posting
VISIBLE = {"posting_id": "visible_posting"}       # published, or a draft of one's own company
COHORT = {"cohort_id": "cohort"}
TRAINEE = {"enrollment_id": "enrollment"}
JOB = {"placement_id": "trainee_placement"}       # a placement of the institution's trainee
# The programme office's shared pages: an operator's own region and its objects (the admin may name any region's).
OFFICE = (ADMIN, OPERATOR)
REGION = {"slug": {OPERATOR: "region"}}
ASKED_REGION = {"region": {OPERATOR: "region"}}
REGION_COMPANY = {"company_id": {OPERATOR: "region_company"}}
REGION_INSTITUTION = {"institution_id": {OPERATOR: "region_institution"}}

POLICY: dict[str, Rule] = {
    # --- anyone --------------------------------------------------------------------------------------------------
    "public.index": rule(PUBLIC),
    "public.healthz": rule(PUBLIC),
    "public.favicon": rule(PUBLIC),
    "public.set_language": rule(PUBLIC, args={"code": "en"}),
    "auth.login": rule(PUBLIC),
    "auth.register": rule(PUBLIC),
    "auth.forgot_password": rule(PUBLIC),                    # an empty form: refused, nothing sent
    "auth.reset_password": rule(PUBLIC, args={"token": "not-a-token"}),     # links refuse a token not ours
    "account.confirm_address": rule(PUBLIC, args={"token": "not-a-token"}),
    "account.confirm_email_change": rule(PUBLIC, args={"token": "not-a-token"}),
    "account.unsubscribe": rule(PUBLIC, args={"token": "not-a-token"}),
    "regional.index": rule(PUBLIC),
    "regional.region": rule(PUBLIC, args={"slug": "gyeongnam"}),
    "regional.data_csv": rule(PUBLIC),
    "regional.data_json": rule(PUBLIC),
    "api_docs.page": rule(PUBLIC),
    "api_docs.operation": rule(PUBLIC, args={"anchor": "get-postings"}),
    "api_docs.schema_list": rule(PUBLIC),
    "api.openapi_json": rule(PUBLIC),
    "api.list_regions": rule(PUBLIC),
    "api.list_skills": rule(PUBLIC),
    "api.regional_figures": rule(PUBLIC),
    "api.list_postings": rule(PUBLIC),
    "api.get_posting": rule(PUBLIC, owns=VISIBLE),
    "answers.answer": rule(PUBLIC, args={"token": "{answer_token}"}),  # the emailed link's holder; {} is refused
    # --- any signed-in person, on their own account ----------------------------------------------------------------
    "auth.logout": rule(SIGNED_IN),
    "auth.change_password": rule(SIGNED_IN),
    "account.overview": rule(SIGNED_IN),
    "account.create_token": rule(SIGNED_IN),
    "account.revoke_token": rule(SIGNED_IN, owns={"token_id": "token"}),
    "account.resend_confirmation": rule(SIGNED_IN),          # confirmed already: nothing sent
    "account.change_email": rule(SIGNED_IN),                 # an empty form: refused
    "account.preferences": rule(SIGNED_IN),
    "account.notifications": rule(SEEKER, EMPLOYER, INSTITUTION),
    "account.notifications_seen": rule(SEEKER, EMPLOYER, INSTITUTION),   # no `until`: nothing marked
    "privacy.overview": rule(SIGNED_IN),
    "privacy.consent": rule(SIGNED_IN, args={"item": "share_outcomes"}, body={"granted": "0"}),
    "privacy.download": rule(SIGNED_IN),
    "privacy.delete_account": rule(SIGNED_IN),  # an empty form: refused, nothing deleted
    # --- seekers ---------------------------------------------------------------------------------------------------
    "seekers.matches": rule(SEEKER),
    "seekers.profile": rule(SEEKER),
    "seekers.cv_upload": rule(SEEKER),
    "seekers.cv_save": rule(SEEKER),
    "seekers.applications": rule(SEEKER),
    "seekers.posting": rule(SEEKER, owns=VISIBLE),
    "seekers.apply": rule(SEEKER, owns=VISIBLE, body={"note": "안녕하세요"}),
    "seekers.hide": rule(SEEKER, owns=VISIBLE),
    "seekers.rate": rule(SEEKER, owns=VISIBLE, body={"rating": "1", "score": "0.5"}),
    "seekers.move": rule(SEEKER, owns={"application_id": "application"}, args={"status": "withdrawn"}),
    "api.get_profile": rule(SEEKER),
    "api.put_profile": rule(SEEKER, body={"headline": "새 헤드라인"}),
    "api.seeker_matches": rule(SEEKER),
    # --- seekers and employers: applications -----------------------------------------------------------------------
    "api.list_applications": rule(SEEKER, EMPLOYER, owns={"posting_id": {EMPLOYER: "posting"}},
                                  query={"posting_id": "{posting_id}"}),
    "api.create_application": rule(SEEKER, EMPLOYER, owns={"posting_id": {SEEKER: "visible_posting",
                                                                         EMPLOYER: "posting"},
                                                          "profile_id": {EMPLOYER: "candidate"}},
                                   body={SEEKER: {"posting_id": "{posting_id}"},
                                         EMPLOYER: {"posting_id": "{posting_id}", "profile_id": "{profile_id}"}}),
    "api.patch_application": rule(SEEKER, EMPLOYER, owns={"application_id": "application"},
                                  body={SEEKER: {"status": "withdrawn"}, EMPLOYER: {"status": "reviewing"}}),
    # --- employers -------------------------------------------------------------------------------------------------
    "employers.dashboard": rule(EMPLOYER),
    "employers.company": rule(EMPLOYER),
    "employers.posting_new": rule(EMPLOYER),
    "employers.posting": rule(EMPLOYER, owns=POSTING),
    "employers.posting_edit": rule(EMPLOYER, owns=POSTING),
    "employers.candidate": rule(EMPLOYER, owns={**POSTING, "profile_id": "candidate"}),
    "employers.invite": rule(EMPLOYER, owns={**POSTING, "profile_id": "candidate"}),
    "employers.move": rule(EMPLOYER, owns={"application_id": "application"}, args={"status": "reviewing"}),
    "confirmations.due": rule(EMPLOYER),
    "confirmations.confirm": rule(EMPLOYER, owns={"placement_id": "placement"}, body={"employed": "yes"}),
    "api.create_posting": rule(EMPLOYER, body={}),
    "api.patch_posting": rule(EMPLOYER, owns=POSTING, body={"city": "창원"}),
    "api.posting_matches": rule(EMPLOYER, owns=POSTING),
    # --- institutions ----------------------------------------------------------------------------------------------
    "institutions.dashboard": rule(INSTITUTION),
    "institutions.programme_add": rule(INSTITUTION),
    "institutions.programme_skills_save": rule(INSTITUTION, owns={"programme_id": "programme"},
                                               body={"skills": "Python"}),
    "institutions.cohort_add": rule(INSTITUTION),
    "institutions.cohort": rule(INSTITUTION, owns=COHORT),
    "institutions.trainee_add": rule(INSTITUTION, owns=COHORT),
    "institutions.placement_add": rule(INSTITUTION, owns=COHORT),
    "institutions.trainee_link": rule(INSTITUTION, owns={**COHORT, "enrollment_id": "enrollment"}),
    "institutions.trainee_unlink": rule(INSTITUTION, owns={**COHORT, "enrollment_id": "enrollment"}),
    "institutions.imports": rule(INSTITUTION),
    "institutions.import_template": rule(INSTITUTION, args={"kind": "cohorts"}),
    "institutions.import_preview": rule(INSTITUTION),
    "institutions.import_confirm": rule(INSTITUTION),
    "institutions.exports": rule(INSTITUTION),
    "institutions.export_download": rule(INSTITUTION, args={"kind": "trainees", "file_format": "csv"}),
    "institutions.report": rule(INSTITUTION, owns={"code": "cohort_code"},
                                query={"group": "cohort", "by": "cohort", "key": "{code}"}),
    "institutions.report_print": rule(INSTITUTION),
    "institutions.report_csv": rule(INSTITUTION),
    "institutions.followups_due": rule(INSTITUTION),
    "institutions.followup_record": rule(INSTITUTION),
    "institutions.trainee": rule(INSTITUTION, owns=TRAINEE),
    "institutions.trainee_status": rule(INSTITUTION, owns=TRAINEE),
    "institutions.placement_edit": rule(INSTITUTION, owns=JOB),
    "institutions.placement_end": rule(INSTITUTION, owns=JOB),                # empty form: refused, nothing written
    "institutions.followup_edit": rule(INSTITUTION, owns={"follow_up_id": "follow_up"}),
    "api.list_cohorts": rule(INSTITUTION),
    "api.list_trainees": rule(INSTITUTION, owns={"code": "cohort_code"}),
    "api.list_placements": rule(INSTITUTION),
    "api.list_followups": rule(INSTITUTION),
    "api.get_outcomes": rule(INSTITUTION, owns={"cohort": "cohort_code"}, query={"cohort": "{cohort}"}),
    "api.import_csv": rule(INSTITUTION, args={"kind": "cohorts"}, raw=("text/csv", b"")),
    # --- the programme office: the admin's own pages, and those shared with each region's operator ----------------
    "api.list_companies": rule(*OFFICE, owns=ASKED_REGION, query={"region": "{region}"}),
    "api.verify_company": rule(*OFFICE, owns=REGION_COMPANY, body={"verified": True}),
    "admin.dashboard": rule(ADMIN),
    "admin.home": rule(*OFFICE),
    "admin.region": rule(*OFFICE, owns=REGION),
    "admin.region_print": rule(*OFFICE, owns=REGION),
    "admin.region_export": rule(*OFFICE, owns=REGION, args={"file_format": "csv"}),
    "admin.watch_add": rule(*OFFICE, owns=REGION, body={"skill": "PyTorch"}),
    "admin.watch_remove": rule(*OFFICE, owns=REGION, body={"skill": "pytorch"}),
    "admin.company_list": rule(*OFFICE, owns=ASKED_REGION, query={"region": "{region}"}),
    "admin.company_verify": rule(*OFFICE, owns=REGION_COMPANY),
    "admin.institutions": rule(*OFFICE, owns=ASKED_REGION, query={"region": "{region}"}),
    "admin.institution_add": rule(*OFFICE, owns=ASKED_REGION, body={"region": "{region}"}),   # no name: refused
    "admin.institution_edit": rule(*OFFICE, owns=REGION_INSTITUTION),  # empty form: refused, nothing renamed
    "admin.audit": rule(*OFFICE, owns=ASKED_REGION, query={"region": "{region}"}),
    "admin.operator_list": rule(ADMIN),
    "admin.operator_add": rule(ADMIN),                       # empty form: refused, nobody appointed
    "admin.operator_active": rule(ADMIN, args={"user_id": "{operator}"}, body={"active": "true"}),
    "admin.jobs": rule(ADMIN),
    "admin.outbox": rule(ADMIN),
    "admin.skills": rule(ADMIN),
    "admin.skill_add": rule(ADMIN),                          # empty form: refused, the taxonomy is untouched
    "admin.skill": rule(ADMIN, args={"slug": "python"}),
    "admin.alias_add": rule(ADMIN, args={"slug": "python"}),
    "admin.alias_remove": rule(ADMIN, args={"slug": "python"}),
}
