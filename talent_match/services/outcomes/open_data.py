"""Open regional data: the public dashboard's figures (one release, suppressed) as rows with a stable schema, for
CSV and JSON downloads under the Korea Open Government Licence Type 1 (attribution).

The columns never change order or meaning within SCHEMA_VERSION; a new column means a new version. A hidden count
is None here, and `suppressed` says why: "<k" below the threshold, "hidden" when a small count could be worked out
from it (the page's words). Rates are the shares the page shows as percentages, to four decimals.
"""
from __future__ import annotations

from .regional_stats import COUNTS, RATES, RegionalFigures

SCHEMA_VERSION = 1
LICENCE = {
    "name": "공공누리 제1유형 (KOGL Type 1: Korea Open Government Licence, attribution)",
    "url": "https://www.kogl.or.kr/info/licenseType1.do",
    "attribution": "Regional AI Talent Match, public release of {as_of}",
}
# (column, type, description): the download's schema, documented in README.md.
COLUMNS = (
    ("as_of", "date", "The release's reporting date (a quarter end)."),
    ("region", "string", "Region slug; \"all\" for the whole country."),
    ("name_ko", "string", "Region name in Korean."),
    ("name_en", "string", "Region name in English."),
    ("capital_area", "boolean", "Seoul, Incheon or Gyeonggi."),
    *((name, "integer", f"See the dashboard's definition of {name}.") for name in COUNTS),
    ("trainees", "integer", "Trainees of the region's cohorts that had ended, without an exclusion reason."),
    ("completers", "integer", "Of those, who completed."),
    *((f"{name}_{part}", kind, f"{name}: {part}.") for name in RATES
      for part, kind in (("numerator", "integer"), ("denominator", "integer"), ("rate", "number"),
                         ("answered", "integer"), ("verified", "integer"))),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)


def rows(figures: RegionalFigures) -> list[dict]:
    """One row per region in the official order, then the country; each with `suppressed` ({column: why})."""
    national = {"region": "all", "name_ko": "전국", "name_en": "Whole country", "capital_area": None,
                **figures.national}
    return [_row(figures, row) for row in [*figures.regions, national]]


def _row(figures: RegionalFigures, row: dict) -> dict:
    hidden, small = set(row.get("suppressed", ())), set(row.get("small", ()))
    out: dict = {"as_of": figures.as_of.isoformat(), "suppressed": {}}
    for name in COLUMN_NAMES[1:]:
        rate = next((rate for rate in RATES if name.startswith(f"{rate}_")), None)
        if rate is None:
            entries, value = [name], row.get(name)
        else:
            part = name.removeprefix(f"{rate}_")
            value = row[rate].get(part)
            # A rate is hidden with either of its counts, and reads "<5" when every hidden one of them is small.
            entries = [f"{rate}.{p}" for p in ("numerator", "denominator")] if part == "rate" else [f"{rate}.{part}"]
            value = round(value, 4) if part == "rate" and value is not None else value
        if hidden & set(entries):
            why_small = all(entry in small for entry in hidden & set(entries))
            out["suppressed"][name] = f"<{figures.threshold}" if why_small else "hidden"
            value = None
        out[name] = value
    return out


def csv_rows(figures: RegionalFigures) -> list[dict]:
    """The rows as the CSV writes them: a hidden count reads as the page does ("<5", "hidden"), none is empty."""
    def cell(row: dict, name: str):
        value = row["suppressed"].get(name, row[name])
        return str(value).lower() if isinstance(value, bool) else value

    return [{name: cell(row, name) for name in COLUMN_NAMES} for row in rows(figures)]


def document(figures: RegionalFigures) -> dict:
    """The JSON download: the licence, the schema and the rows."""
    return {"schema_version": SCHEMA_VERSION, "as_of": figures.as_of.isoformat(), "threshold": figures.threshold,
            "licence": {**LICENCE, "attribution": LICENCE["attribution"].format(as_of=figures.as_of.isoformat())},
            "columns": [{"name": name, "type": kind, "description": text} for name, kind, text in COLUMNS],
            "rows": rows(figures)}


def licence_line(figures: RegionalFigures) -> str:
    return (f"# {LICENCE['name']} - {LICENCE['url']} - "
            f"{LICENCE['attribution'].format(as_of=figures.as_of.isoformat())}")
