"""/api/v1/companies: the programme office's verification of companies, for the admin (every region) and each
region's operator (theirs only: another region's company or list is 404, as if it did not exist)."""
from flask import jsonify

from ..extensions import db
from ..services.accounts import operators
from ..services.errors import ValidationFailed
from ..services.hiring import companies
from ..services.messages import msg
from ..web.access import allow
from .auth import caller
from .blueprint import bp
from .openapi import ID, PAGING, json_body, op, path, query
from .payloads import instant, json_object, page_args, page_of, query_text
from .schemas import MAX_ID, REGION_SLUG, integer, text_in

OFFICE = ("admin", "operator")


def company_json(company) -> dict:
    return {"id": company.id, "name": company.name, "region": company.region.slug, "industry": company.industry,
            "size": company.size, "verified": company.verified, "updated_at": instant(company.updated_at)}


@bp.get("/companies")
@allow(*OFFICE)
def list_companies():
    page, per_page = page_args()
    region = operators.region_or_own(db.session, caller(), query_text("region", 40))
    found = companies.list_for_review(db.session, query_text("q", 100) or "", region=region, page=page,
                                      per_page=per_page)
    return page_of([company_json(c) for c in found.items], page=page, per_page=per_page, total=found.total)


@bp.post(f"/companies/<{ID}:company_id>/verification")
@allow(*OFFICE)
def verify_company(company_id: int):
    company = companies.for_office(db.session, caller(), company_id)
    data = json_object("VerificationInput")
    if "verified" not in data:  # read as false, it would withdraw the mark unasked
        raise ValidationFailed({"verified": [msg("is required: true or false")]})
    companies.set_verified(db.session, caller(), company, data["verified"])
    db.session.commit()
    return jsonify(company_json(company))


PATHS = {
    "/companies": {"get": op(
        "Companies to verify", id="list_companies", audience=OFFICE, ok=(200, "CompanyPage"), refusals=(404,), params=[
            query("region", REGION_SLUG, "Only this region's companies. An operator's own region when left out; "
                                         "another region's is 404."),
            query("q", text_in(100), "Only companies whose name contains this (any case)."), *PAGING],
        description="Unverified companies first, then by name. The admin sees every region's.")},
    "/companies/{company_id}/verification": {"post": op(
        "Verify a company, or withdraw it", id="verify_company", audience=OFFICE, ok=(200, "Company"),
        params=[path("company_id", integer(1, MAX_ID), "The company's id.")], body=json_body("VerificationInput"),
        refusals=(404,), description="`verified: true` marks the company as confirmed to be who it says it is; "
                                     "`false` withdraws the mark. Audited. An operator may verify their region's "
                                     "companies only: another region's is 404.")},
}
