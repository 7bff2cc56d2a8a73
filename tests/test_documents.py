"""How postings and profiles become text: titles first, skills in both languages, then the rest."""
from __future__ import annotations

from types import SimpleNamespace as Row

from talent_match.services.search import documents


def _skill(label, slug=None, required=True):
    return Row(label=label, required=required, skill=Row(slug=slug, name_en="", name_ko="") if slug else None)


def test_posting_text_has_title_skills_in_both_languages_description_and_experience():
    posting = Row(title="  머신러닝 엔지니어 ", description="창원 공장 불량 검출 모델을 개발합니다.", min_experience=2,
                  skills=[_skill("파이토치", "pytorch"), _skill("Docker", "docker", required=False),
                          _skill("사내 MES 경험")])
    doc = documents.posting_document(posting)
    assert doc.title == "머신러닝 엔지니어"
    required, preferred, description, experience = doc.body.splitlines()
    assert required.startswith("필수 기술 Required skills: 파이토치 / PyTorch")
    assert "사내 MES 경험" in required  # unknown skills are kept as written
    assert preferred.startswith("우대 기술 Preferred skills: Docker / 도커")
    assert description == posting.description
    assert experience == "경력 2년 이상 (2+ years experience)"
    assert doc.text == doc.title + "\n" + doc.body


def test_profile_text_reads_headline_and_roles_as_the_title_and_resolves_free_text_skills():
    profile = Row(headline="AI 부트캠프 수료생", desired_roles="ML engineer", summary="YOLO 프로젝트",
                  years_experience=0, education="", certifications="ADsP", cv_text="",
                  skills=[_skill("k8s")])  # not linked to a skill row, but the taxonomy knows the alias
    doc = documents.profile_document(profile)
    assert doc.title == "AI 부트캠프 수료생 · ML engineer"
    assert doc.body.splitlines() == ["기술 Skills: k8s / Kubernetes / 쿠버네티스 / 쿠버", "YOLO 프로젝트", "ADsP"]


def test_long_cv_text_is_bounded():
    profile = Row(headline="h", desired_roles="", summary="", years_experience=0, education="", certifications="",
                  cv_text="가" * 50_000, skills=[])
    assert len(documents.profile_document(profile).body) == documents.BODY_MAX_CHARS


def test_a_model_that_cannot_read_korean_is_shown_the_english_around_it():
    text = "[창원] 제조 AI 엔지니어 (Computer Vision / 불량 검출)\n필수 기술 Required skills: Python / 파이썬, PyTorch\n순수 한국어 줄"
    shown = documents.model_text(text, reads_hangul=False)
    assert shown == "AI Computer Vision\nRequired skills: Python, PyTorch"
    assert documents.model_text(text, reads_hangul=True) == text
    assert documents.model_text("ML engineer (3+ years)", reads_hangul=False) == "ML engineer (3+ years)"
    assert documents.model_text("모두 한국어 문장", reads_hangul=False) == "모두 한국어 문장"  # never left blank


def test_a_korean_line_is_shown_without_the_aliases_bullets_and_bare_numbers_it_leaves_behind():
    text = ("기술 Skills: 도면 해독, 컴퓨터 비전 / Computer Vision / CV, Python / 파이썬 / Python3 / py, "
            "CI/CD / 씨아이\n"
            "[주요업무] • 모델 서빙 API 개발 (FastAPI/Django) • 급여: 연봉 5,400만원 ~ 6,400만원 → 2026.10.13 마감\n"
            "Skills: Python / Python3")  # an English line keeps its aliases: only lines that lost Korean change
    shown = documents.model_text(text, reads_hangul=False)
    assert shown == "Skills: Computer Vision, Python, CI/CD\nAPI FastAPI/Django\nSkills: Python / Python3"


def test_the_stored_vector_is_computed_from_what_the_model_can_read():
    seen = []

    def encode(texts):
        seen.extend(texts)
        return [[1.0, 0.0]] * len(texts)

    doc = documents.Document(title="ML 엔지니어", body="파이토치 PyTorch 경험")
    documents.embed_documents(encode, [doc], reads_hangul=False)
    assert seen == ["ML\nPyTorch", "ML"]  # the text, then the title (half Latin, so it is weighted in)
