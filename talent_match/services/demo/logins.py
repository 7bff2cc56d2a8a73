"""The demo accounts with known passwords, one per role, and what each one should find when signing in.

The seeker lives in Gyeongnam with vision and MLOps skills; the employer is a Changwon machinery SME whose open
postings want exactly that; the institution is a Gyeongnam bootcamp with cohorts since 2023; the operator runs
Gyeongnam's programme office. All other demo accounts share one hash of a random password, so only these five can
sign in.
"""
from __future__ import annotations

from dataclasses import dataclass

from .industries import INDUSTRIES
from .jobs import Spec
from .seekers import Draft


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str


DEMO_LOGINS = (
    DemoLogin("seeker", "seeker@demo.kr", "demo-password-1", "김지우"),
    DemoLogin("employer", "employer@demo.kr", "demo-password-2", "박서준"),
    DemoLogin("institution", "institution@demo.kr", "demo-password-3", "이하은"),
    DemoLogin("admin", "admin@demo.kr", "demo-password-4", "정민재"),
    DemoLogin("operator", "operator@demo.kr", "demo-password-5", "최유나"),  # Gyeongnam's programme office
)
DEMO_OPERATOR_REGION = "gyeongnam"

_machinery = {case[0]: case for case in INDUSTRIES["machinery"].use_cases}
DEMO_POSTINGS = (
    Spec(_machinery["vision"], "junior", "open", "제조 AI 엔지니어"),
    Spec(_machinery["mlops"], "mid", "open", "MLOps 엔지니어"),
    Spec(_machinery["data_eng"], "entry", "open", "데이터 엔지니어"),
    Spec(_machinery["predictive"], "mid", "filled", "예지보전 AI 엔지니어"),
)


def demo_seeker(account: dict) -> Draft:
    """The demo seeker: a Changwon bootcamp graduate in vision inspection. `account` has email, name, hash."""
    return Draft(
        kind="bootcamp_graduate", home="gyeongnam", track="vision", name=account["name"], email=account["email"],
        password_hash=account["password_hash"], accepted=("busan", "ulsan"), discoverable=True, years=1,
        skills=("Python", "PyTorch", "컴퓨터 비전", "OpenCV", "YOLO", "Docker", "MLOps", "SQL", "Git"),
        headline="제조 비전 검사 AI 엔지니어 지망 | Python · PyTorch · YOLO",
        summary=("경남 AI 아카데미 AI 엔지니어 부트캠프를 수료했습니다. 기계 부품 가공 라인의 외관 불량 이미지로 "
                 "YOLOv8 검출 모델을 학습해 mAP 0.91을 달성했고, Docker와 MLflow로 모델 배포까지 해 보았습니다. "
                 "창원 지역 제조 기업에서 Computer Vision 기반 불량 검출과 MLOps를 담당하고 싶습니다."),
        education="가야미래대학교 기계공학 학사 / 경남 AI 아카데미 AI 엔지니어 부트캠프 수료 (2026)",
    )
