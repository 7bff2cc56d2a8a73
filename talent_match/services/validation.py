"""One validator per field, shared by web forms, the API and CSV imports.

Each returns the cleaned value or raises ValidationFailed naming the field and what would be accepted.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from email_validator import EmailNotValidError, validate_email

from .errors import ValidationFailed
from .messages import msg

# YYMMDD-GNNNNNN: a resident registration number (주민등록번호). PIPA forbids collecting it without a legal basis.
# Looked for in the text's NFKC form without invisible characters (full-width ９００１０１－１２３４５６７ too), with
# up to five separating marks of any kind between the halves (-, ‑, −, —, ㅡ, ., /, spaces) or none.
_RRN = re.compile(r"(?<![0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(?:[\W_]|[ㅡᅳ]){0,5}[1-8][0-9]{6}"
                  r"(?![0-9])")
# Zero-width, soft-hyphen and bidirectional control characters: invisible, used to disguise text.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MAX_SALARY_KRW = 2_000_000_000
CONFLICTING_VALUES = "conflicting-values"  # the problem type of values each valid alone but not together
MIN_PASSWORD_LENGTH = 10


def clean_text(value, field: str, *, max_length: int, required: bool = False, multiline: bool = False) -> str:
    """NFC, no control or invisible characters, no resident registration number, within a length."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed({field: [msg("must be text")]})
    if "\x00" in value:
        raise ValidationFailed({field: [msg("contains a NUL character")]})
    if not is_unicode_text(value):
        raise ValidationFailed({field: [msg("contains characters that are not text (lone surrogates); check the "
                                            "encoding")]})
    text = unicodedata.normalize("NFC", value)
    text = _INVISIBLE.sub("", text)
    if not multiline:
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if _CONTROL.search(text):
        raise ValidationFailed({field: [msg("contains control characters")]})
    text = text.strip()
    if required and not text:
        raise ValidationFailed({field: [msg("is required")]})
    if len(text) > max_length:
        raise ValidationFailed({field: [msg("is too long ({length} characters; at most {limit})", length=len(text),
                                            limit=max_length)]})
    refuse_resident_number(text, field)
    return text


def refuse_resident_number(text: str, field: str) -> None:
    if text and _RRN.search(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text))):
        raise ValidationFailed({field: [msg("looks like a resident registration number (주민등록번호); remove it")]},
                               problem="resident-registration-number")


def is_unicode_text(text: str) -> bool:
    """False for strings holding lone surrogates (from bad JSON escapes or broken encodings): they cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_email(value, field: str = "email") -> str:
    text = clean_text(value, field, max_length=254, required=True)
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({field: [msg("is not a valid email address ({reason})", reason=str(exc))]}) from None


def clean_password(value, field: str = "password") -> str:
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: [msg("must be at least {minimum} characters", minimum=MIN_PASSWORD_LENGTH)]})
    if len(value) > 200:
        raise ValidationFailed({field: [msg("is too long (at most {limit} characters)", limit=200)]})
    return value


def clean_int(value, field: str, *, minimum: int | None = None, maximum: int | None = None,
              required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed({field: [msg("is required")]})
        return None
    if isinstance(value, bool):
        raise ValidationFailed({field: [msg("must be a whole number")]})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        stripped = unicodedata.normalize("NFKC", value).strip().replace(",", "")  # full-width digits read as digits
        if not re.fullmatch(r"-?[0-9]{1,12}", stripped):
            raise ValidationFailed({field: [msg("must be a whole number")]})
        value = int(stripped)
    if not isinstance(value, int):
        raise ValidationFailed({field: [msg("must be a whole number")]})
    if minimum is not None and value < minimum:
        raise ValidationFailed({field: [msg("must be at least {minimum}", minimum=minimum)]})
    if maximum is not None and value > maximum:
        raise ValidationFailed({field: [msg("must be at most {maximum}", maximum=maximum)]})
    return value


def clean_salary_range(low, high, *, low_field: str = "salary_min", high_field: str = "salary_max"):
    """Annual KRW amounts: both optional, non-negative, plausible, and low ≤ high."""
    low = clean_int(low, low_field, minimum=0, maximum=MAX_SALARY_KRW)
    high = clean_int(high, high_field, minimum=0, maximum=MAX_SALARY_KRW)
    if low is not None and high is not None and low > high:
        raise ValidationFailed({high_field: [msg("must not be below {field}", field=low_field)]},
                               problem=CONFLICTING_VALUES)
    return low, high


# Words people write for the codes in Korean spreadsheets and forms; a code's own spelling with spaces or hyphens
# ("Full-Time") and any case is accepted too (see clean_choice).
CHOICE_ALIASES = {
    "enrolled": ("훈련중", "수강중", "재학", "재학중", "등록"),
    "completed": ("수료", "이수", "수료완료"),
    "withdrawn": ("중도탈락", "중도포기", "탈락", "포기", "중퇴", "제적"),
    "further_study": ("진학", "학업", "대학원진학"),
    "military_service": ("군입대", "입대", "군복무", "병역", "군대"),
    "health": ("건강", "질병", "건강상이유", "병가"),
    "death": ("사망",),
    "emigration": ("해외이주", "이민", "출국"),
    "other": ("기타",),
    "full_time": ("정규직", "풀타임", "상용직", "전일제"),
    "contract": ("계약직", "기간제"),
    "internship": ("인턴", "인턴십", "인턴쉽"),
    "part_time": ("파트타임", "시간제", "아르바이트"),
    "employed_same_employer": ("동일기업재직", "동일회사재직", "같은회사재직", "재직동일기업"),
    "employed_other_employer": ("타기업재직", "다른회사재직", "이직", "재직타기업"),
    "left_employer": ("퇴사확인", "기업퇴사", "이전회사퇴사"),
    "not_employed": ("미취업", "퇴사", "실업", "미재직", "구직중"),
    "in_education": ("진학중", "학업중", "대학원재학"),
    "unknown": ("미확인", "알수없음", "모름", "확인불가"),
    "employer": ("기업", "고용주", "회사", "기업확인"),
    "institution": ("기관", "기관확인"),
    "trainee": ("훈련생", "본인", "훈련생응답"),
    "insurance_record": ("고용보험", "고용보험이력", "4대보험"),
    "onsite": ("출근", "현장근무", "사무실근무", "상주"),
    "hybrid": ("하이브리드", "혼합근무"),
    "remote": ("재택", "원격", "재택근무", "원격근무"),
    "national": ("국비", "국고", "중앙정부", "정부"),
    "regional_government": ("지자체", "지방비", "시비", "도비", "시도비", "지방정부"),
}
_ALIAS_CODES = {re.sub(r"[\s_\-()]", "", alias).casefold(): code
                for code, aliases in CHOICE_ALIASES.items() for alias in aliases}


def _choice_key(text: str) -> str:
    return re.sub(r"[\s_\-()]", "", unicodedata.normalize("NFC", text)).casefold()


def clean_choice(value, field: str, choices, *, required: bool = True, default=None):
    """One of `choices`: the code itself, written in any case or with spaces/hyphens, or a Korean word for it."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        if required and default is None:
            raise ValidationFailed({field: [msg("is required; one of {choices}", choices=", ".join(choices))]})
        return default
    if value in choices:
        return value
    if isinstance(value, str):
        key = _choice_key(value)
        code = next((c for c in choices if _choice_key(c) == key), None) or _ALIAS_CODES.get(key)
        if code in choices:
            return code
    raise ValidationFailed({field: [msg("must be one of {choices}", choices=", ".join(choices))]})


# How Korean spreadsheets write dates: 2026.09.03, 2026/09/03, 2026. 9. 3., 20260903 (and 2026-9-3).
_SPREADSHEET_DATE = re.compile(r"(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*\.?|(\d{4})(\d{2})(\d{2})")


def iso_date_text(text: str) -> str:
    """A spreadsheet's date cell as YYYY-MM-DD, for clean_date; other text unchanged (clean_date says why)."""
    found = _SPREADSHEET_DATE.fullmatch(text.strip())
    if found is None:
        return text
    year, month, day = (found[1], found[3], found[4]) if found[1] else (found[5], found[6], found[7])
    return f"{year}-{int(month):02d}-{int(day):02d}"


def clean_date(value, field: str, *, required: bool = False) -> date | None:
    """A date as YYYY-MM-DD (or a date object): what forms and the API send. CSV cells pass iso_date_text first."""
    if value in (None, ""):
        if required:
            raise ValidationFailed({field: [msg("is required (YYYY-MM-DD)")]})
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValidationFailed({field: [msg("must be a date as YYYY-MM-DD")]})
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed({field: [msg("is not a real date: {value}", value=value.strip())]}) from None
    if not date(1950, 1, 1) <= parsed <= date(2100, 12, 31):
        raise ValidationFailed({field: [msg("must be between {first} and {last}", first=1950, last=2100)]})
    return parsed


def clean_bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in {"1", "true", "yes", "y", "예", "네", "o", "일치", "해당"}:
        return True
    if text in {"0", "false", "no", "n", "아니오", "아니요", "x", "불일치", "해당없음", "해당 없음", ""}:
        return False
    raise ValidationFailed({field: [msg("must be true or false")]})


def clean_label_list(value, field: str, *, max_items: int = 50, max_length: int = 120) -> list[str]:
    """A list of short labels (skills, roles): a list of strings or one comma-separated string.

    Commas (also "，" and "、"), semicolons and new lines separate; blanks and repeats (ignoring case) drop out.
    """
    if value is None:
        return []
    if isinstance(value, str):
        parts = re.split(r"[,，、;\n]", value)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(item, str) for item in value):
            raise ValidationFailed({field: [msg("must be a list of text labels")]})
        parts = list(value)
    else:
        raise ValidationFailed({field: [msg("must be a list of text labels or comma-separated text")]})
    labels: list[str] = []
    seen: set[str] = set()
    for part in parts:
        label = clean_text(part, field, max_length=max_length)
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            labels.append(label)
    if len(labels) > max_items:
        raise ValidationFailed({field: [msg("has too many entries ({count}; at most {limit})", count=len(labels),
                                                      limit=max_items)]})
    return labels


def clean_years(value, field: str = "years_experience") -> int:
    """Whole years of experience, 0 to 60; blank means 0."""
    return clean_int(value, field, minimum=0, maximum=60) or 0


class ErrorCollector:
    """Runs many field validators and reports every failing field at once, so a form shows all its errors.

        errors = ErrorCollector()
        title = errors.check(clean_text, data.get("title"), "title", max_length=200, required=True)
        errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.problems: list[str | None] = []

    def check(self, validator, *args, **kwargs):
        try:
            return validator(*args, **kwargs)
        except ValidationFailed as exc:
            self.add(exc)
            return None

    def add(self, error: ValidationFailed) -> None:
        for field, messages in error.errors.items():
            self.errors.setdefault(field, []).extend(messages)
        self.problems.append(error.problem)

    def raise_if_any(self) -> None:
        """One ValidationFailed with every error, of the first one's problem type when every error has one."""
        if self.errors:
            raise ValidationFailed(self.errors, problem=None if None in self.problems else self.problems[0])


def clean_phone(value, field: str = "phone") -> str:
    """A Korean or international phone number: digits with optional +, spaces, hyphens, dots or brackets."""
    text = clean_text(value, field, max_length=40)
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    if not re.fullmatch(r"\+?[\d\s().-]{7,40}", text) or not 8 <= len(digits) <= 15:
        raise ValidationFailed({field: [msg("must be a phone number such as 010-1234-5678 or +82 10 1234 5678")]})
    return text


# Wages: offers accepted on the platform and placements institutions report.
MIN_ANNUAL_WAGE_KRW = 1_000_000


def clean_annual_wage(value, field: str = "annual_wage_krw") -> int | None:
    """An annual wage in won; below a million it is almost surely a monthly figure or 만원 units."""
    wage = clean_int(value, field, minimum=0, maximum=MAX_SALARY_KRW)
    if wage is not None and wage < MIN_ANNUAL_WAGE_KRW:
        raise ValidationFailed({field: [msg("must be the annual wage in won, at least {minimum} (e.g. 36000000, "
                                            "not 3600 만원)", minimum=format(MIN_ANNUAL_WAGE_KRW, ","))]})
    return wage


def clean_date_order(start: date | None, end: date | None, end_field: str, start_field: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed({end_field: [msg("must not be before {field} ({date})", field=start_field,
                                                      date=start.isoformat())]}, problem=CONFLICTING_VALUES)
