"""The skill taxonomy: one skill however people write it, in Korean or English, in a label or in free text."""
import re
import unicodedata

import pytest
import sqlalchemy as sa

from talent_match.extensions import db
from talent_match.services.errors import NotFound
from talent_match.services.reference import taxonomy as skills
from talent_match.services.reference.taxonomy import LabelledSkill, Taxonomy, TaxonomyError, read_rows
from talent_match.services.reference.text import normalise_label

ROWS = read_rows()
HANGUL = re.compile("[가-힣]")
LATIN = re.compile("[A-Za-z]")


@pytest.fixture(scope="module")
def taxonomy():
    return Taxonomy(ROWS)


# ---- the shipped skill list ------------------------------------------------------------------------------------

def test_skill_list_has_at_least_200_skills_with_valid_slugs():
    slugs = [row["slug"] for row in ROWS]
    assert len(slugs) >= 200
    assert len(set(slugs)) == len(slugs)
    assert all(skills.SLUG.fullmatch(slug) for slug in slugs)
    assert all(row["name_en"] and row["name_ko"] and row["category"] for row in ROWS)


def test_every_skill_has_a_korean_and_an_english_label():
    for row in ROWS:
        labels = [row["name_en"], row["name_ko"], *row["aliases"].split(";")]
        assert any(HANGUL.search(label) for label in labels), row["slug"]
        assert any(LATIN.search(label) for label in labels), row["slug"]


def test_no_label_names_two_skills():
    owners: dict[str, str] = {}
    for row in ROWS:
        for label in [row["name_en"], row["name_ko"], *row["aliases"].split(";")]:
            key = normalise_label(label)
            assert key, f"{row['slug']}: empty alias"
            assert len(key) <= 120, label
            assert owners.setdefault(key, row["slug"]) == row["slug"], f"{label!r}: {owners[key]} and {row['slug']}"


def test_parents_exist_and_form_no_cycle(taxonomy):
    for row in ROWS:
        assert not row["parent"] or row["parent"] in taxonomy, row["slug"]
        seen, slug = set(), row["slug"]
        while slug:
            assert slug not in seen, f"cycle through {row['slug']}"
            seen.add(slug)
            slug = taxonomy.skills[slug].parent


def test_a_label_naming_two_skills_is_refused():
    rows = [{"slug": "python", "name_en": "Python", "name_ko": "파이썬", "aliases": "py"},
            {"slug": "pytorch", "name_en": "PyTorch", "name_ko": "파이토치", "aliases": "PY"}]
    with pytest.raises(TaxonomyError, match='"PY" names both python and pytorch'):
        Taxonomy(rows)


# ---- resolving labels ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, slug", [
    ("파이썬", "python"), ("Python", "python"), ("python3", "python"),
    ("머신러닝", "machine-learning"), ("기계학습", "machine-learning"), ("머신 러닝", "machine-learning"),
    ("Machine Learning", "machine-learning"), ("machine-learning", "machine-learning"), ("ML", "machine-learning"),
    ("불량 검출", "defect-detection"), ("불량검출", "defect-detection"), ("Defect Detection", "defect-detection"),
    ("예지보전", "predictive-maintenance"), ("predictive maintenance", "predictive-maintenance"),
    ("k8s", "kubernetes"), ("쿠버네티스", "kubernetes"), ("파이토치", "pytorch"), ("Scikit_Learn", "scikit-learn"),
    ("스마트 공장", "smart-factory"), ("디지털트윈", "digital-twin"), ("자연어 처리", "nlp"), ("RAG", "rag"),
])
def test_korean_and_english_labels_resolve_to_one_skill(taxonomy, label, slug):
    assert taxonomy.resolve(label).slug == slug


def test_decomposed_hangul_invisible_characters_and_full_width_resolve(taxonomy):
    assert taxonomy.resolve(unicodedata.normalize("NFD", "딥러닝")).slug == "deep-learning"
    assert taxonomy.resolve("머신\u200b러닝\u200f").slug == "machine-learning"
    assert taxonomy.resolve("ＰｙＴｏｒｃｈ").slug == "pytorch"
    assert taxonomy.resolve("  DOCKER ").slug == "docker"


def test_unknown_labels_are_kept_normalised_once_in_order(taxonomy):
    labelled = taxonomy.normalise_labels(["머신러닝", " 용접  기능사 ", "Machine Learning", "용접 기능사", "", "Python"])
    assert labelled == [LabelledSkill("machine-learning", "머신러닝"), LabelledSkill(None, "용접 기능사"),
                        LabelledSkill("python", "Python")]
    assert taxonomy.resolve("바리스타") is None


# ---- free text -----------------------------------------------------------------------------------------------

def test_skills_are_found_in_mixed_korean_english_text_with_particles(taxonomy):
    text = ("파이썬을 활용한 머신러닝과 딥러닝 기반 불량검출 모델을 개발하고, Kubernetes 위에서 운영합니다. "
            "예지보전 경험자와 PLC 제어 가능자 우대. PyTorch는 필수입니다.")
    assert taxonomy.find_in_text(text) == ["python", "machine-learning", "deep-learning", "defect-detection",
                                           "kubernetes", "predictive-maintenance", "plc", "pytorch"]


def test_the_longest_alias_wins(taxonomy):
    found = taxonomy.find_in_text("자바스크립트 개발자, MySQL 운영, 전력 수요 예측, AI 비전 검사")
    assert found == ["javascript", "mysql", "power-demand-forecasting", "vision-inspection"]


@pytest.mark.parametrize("text", [
    "R&D 센터에서 C레벨 임원과 go-to-market 전략을 논의합니다",
    "텔레비전 광고 영업, CV 제출 필수",
    "html과 ml, rustproof 도장, mysqladmin",
    "우리 회사의 비전과 미션",
])
def test_short_or_embedded_tokens_are_not_mistaken_for_skills(taxonomy, text):
    assert taxonomy.find_in_text(text) == []


def test_two_letter_aliases_count_in_capitals_as_a_word(taxonomy):
    assert taxonomy.find_in_text("ML 엔지니어 (DL 경험 우대)") == ["machine-learning", "deep-learning"]
    assert taxonomy.find_in_text("R 언어 또는 Go언어") == ["r-language", "go"]


# ---- hierarchy, names, autocomplete -------------------------------------------------------------------------------

def test_a_skill_implies_its_broader_skills(taxonomy):
    assert taxonomy.implied("pytorch") == {"pytorch", "deep-learning", "machine-learning"}
    assert taxonomy.implied("python") == {"python"}
    assert taxonomy.implied("no-such-skill") == set()


def test_skill_names_follow_the_locale(taxonomy):
    assert taxonomy.skills["predictive-maintenance"].name("ko") == "예지보전"
    assert taxonomy.skills["predictive-maintenance"].name("en") == "Predictive Maintenance"


@pytest.mark.parametrize("typed, first", [
    ("머신ㄹ", "machine-learning"), ("딥런", "deep-learning"), ("예지", "predictive-maintenance"),
    ("docker", "docker"), ("pytor", "pytorch"), ("쿠버", "kubernetes"), ("Vision Insp", "vision-inspection"),
])
def test_autocomplete_in_korean_or_english(taxonomy, typed, first):
    assert taxonomy.search(typed, 5)[0].slug == first


def test_autocomplete_limits_and_ignores_empty_queries(taxonomy):
    assert len(taxonomy.search("데이터", 3)) == 3
    assert taxonomy.search("   ") == []


# ---- the database ----------------------------------------------------------------------------------------------

def test_the_migration_loads_the_shipped_skills(app_ctx):
    assert db.session.scalar(sa.text("SELECT count(*) FROM skill")) >= 200
    stored = Taxonomy.from_session(db.session)
    assert stored.resolve("머신 러닝").slug == "machine-learning"
    assert stored.resolve("머신 러닝").id is not None
    assert stored.implied("pytorch") == Taxonomy.reference().implied("pytorch")


@pytest.fixture
def editing(app_ctx):
    """A session whose taxonomy edits are rolled back afterwards: skill tables are kept between tests."""
    yield db.session
    db.session.rollback()
    Taxonomy.invalidate()


def test_admin_adds_a_skill_that_resolves_at_once(editing):
    skills.add_skill(editing, "weld-seam-tracking", "Weld Seam Tracking", "용접선 추적", "manufacturing",
                     aliases=["seam tracking"])
    assert Taxonomy.from_session(editing).resolve("용접선추적").slug == "weld-seam-tracking"
    assert Taxonomy.from_session(editing).resolve("Seam-Tracking").slug == "weld-seam-tracking"


def test_an_alias_another_skill_has_is_refused_naming_both(editing):
    with pytest.raises(TaxonomyError) as error:
        skills.add_alias(editing, "pytorch", "파이썬")
    assert '"파이썬"' in error.value.message and "python" in error.value.message
    assert error.value.field == "aliases"


def test_slugs_and_unknown_skills_are_checked(editing):
    with pytest.raises(TaxonomyError, match="lowercase"):
        skills.add_skill(editing, "Weld Seam", "Weld", "용접", "manufacturing")
    with pytest.raises(TaxonomyError, match="already a skill"):
        skills.add_skill(editing, "python", "Python 2", "파이썬 2", "programming")
    with pytest.raises(NotFound):
        skills.add_alias(editing, "no-such-skill", "whatever")


def test_aliases_can_be_removed_but_not_the_skills_own_names(editing):
    skills.add_alias(editing, "python", "파이썬 코딩", "ko")
    assert Taxonomy.from_session(editing).resolve("파이썬 코딩").slug == "python"
    skills.remove_alias(editing, "python", "파이썬 코딩")
    assert Taxonomy.from_session(editing).resolve("파이썬 코딩") is None
    with pytest.raises(TaxonomyError, match="rename the skill first"):
        skills.remove_alias(editing, "python", "파이썬")
