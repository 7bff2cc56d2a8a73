"""GET /api/v1/regions: the 17 regions every match and metric is scoped by."""
from ..extensions import db
from ..services.reference.regions import all_regions
from ..web.access import PUBLIC, allow
from .blueprint import bp
from .openapi import PAGING, op
from .payloads import page_args, page_of, sliced

PATHS = {"/regions": {"get": op("The 17 regions", id="list_regions", audience=(PUBLIC,), ok=(200, "RegionPage"),
                                 params=PAGING)}}


def region_json(region) -> dict:
    return {"slug": region.slug, "name_ko": region.name_ko, "name_en": region.name_en,
            "admin_code": region.admin_code, "iso_3166_2": region.iso_3166_2, "mega_region": region.mega_region,
            "capital_area": region.capital_area}


@bp.get("/regions")
@allow(PUBLIC)
def list_regions():
    page, per_page = page_args()
    regions = all_regions(db.session)
    return page_of([region_json(r) for r in sliced(regions, page, per_page)],
                   page=page, per_page=per_page, total=len(regions))
