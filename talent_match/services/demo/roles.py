"""AI role templates by track: titles, the 주요업무/자격요건/우대사항 lines, skills, and pay by seniority.

Skills are named as Korean postings write them (mostly English tool names); the seeder resolves each label against
the skill taxonomy, so "컴퓨터 비전" and "Computer Vision" land on one skill.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    titles: tuple[str, ...]
    duties: tuple[str, ...]
    requirements: tuple[str, ...]
    preferred: tuple[str, ...]
    required_skills: tuple[str, ...]
    preferred_skills: tuple[str, ...]


TRACKS: dict[str, Track] = {
    "vision": Track(
        ("비전 AI 엔지니어", "Computer Vision 엔지니어", "영상 AI 개발자"),
        ("Python, PyTorch 기반 비전 검사 모델 개발",
         "이미지 데이터 수집·라벨링 기준 수립 및 데이터셋 관리",
         "YOLO 계열 Object Detection / Segmentation 모델 학습 및 성능 개선",
         "엣지 디바이스(Jetson) 배포를 위한 모델 경량화 (TensorRT, ONNX)",
         "현장 라인 PoC 진행 및 검사 장비 연동"),
        ("Python 및 딥러닝 프레임워크(PyTorch 또는 TensorFlow) 활용 경험",
         "Computer Vision 모델(Detection/Segmentation/Classification) 학습 경험",
         "OpenCV 등 영상처리 라이브러리 사용 경험"),
        ("MLOps 경험 우대", "제조 현장 비전 검사 프로젝트 경험자", "Docker 기반 배포 경험",
         "산업용 카메라·조명 세팅 경험자", "관련 분야 석사 학위 소지자"),
        ("Python", "PyTorch", "Computer Vision", "OpenCV"),
        ("YOLO", "Docker", "MLOps", "TensorRT", "ONNX", "TensorFlow")),
    "predictive": Track(
        ("AI 엔지니어", "시계열 데이터 사이언티스트", "데이터 사이언티스트"),
        ("설비 센서(진동·전류·온도) 시계열 데이터 전처리 및 특징 추출",
         "이상 탐지(Anomaly Detection) 및 잔존수명(RUL) 예측 모델 개발",
         "MES/SCADA 데이터 연계 및 모니터링 대시보드 구축",
         "현장 엔지니어와 협업하여 모델 결과 검증 및 개선"),
        ("Python, pandas, scikit-learn 활용 능력", "시계열 데이터 분석 또는 이상 탐지 모델 개발 경험",
         "SQL 활용 가능자"),
        ("설비·공정 도메인 이해", "LSTM/Transformer 기반 시계열 모델 경험", "PLC·SCADA 데이터 수집 경험",
         "MLOps 경험 우대"),
        ("Python", "pandas", "scikit-learn", "Time Series Analysis", "Anomaly Detection"),
        ("SQL", "PyTorch", "Predictive Maintenance", "MLOps", "SCADA")),
    "data_eng": Track(
        ("데이터 엔지니어", "Data Engineer", "빅데이터 플랫폼 엔지니어"),
        ("공정·설비 데이터 수집 파이프라인 설계 및 운영 (Kafka, Airflow)",
         "데이터 레이크/웨어하우스 구축 및 데이터 품질 관리",
         "분석·AI 팀을 위한 데이터 마트 및 API 제공",
         "클라우드(AWS) 및 온프레미스 하이브리드 환경 운영"),
        ("Python 또는 Java/Scala 개발 경험", "SQL 및 RDBMS(PostgreSQL, MySQL) 활용 능력", "ETL 파이프라인 구축 경험"),
        ("Spark, Kafka 운영 경험", "Airflow 기반 워크플로 관리 경험", "클라우드 자격증 보유자", "MLOps 경험 우대"),
        ("Python", "SQL", "ETL", "PostgreSQL"),
        ("Apache Spark", "Apache Kafka", "Apache Airflow", "AWS", "Docker")),
    "mlops": Track(
        ("MLOps 엔지니어", "ML 플랫폼 엔지니어", "AI 인프라 엔지니어"),
        ("모델 학습·배포 파이프라인 구축 (MLflow, Kubeflow)", "Docker/Kubernetes 기반 모델 서빙 및 모니터링",
         "GPU 서버 및 클라우드 자원 관리", "모델 버전 관리 및 재학습 자동화 (CI/CD)"),
        ("Linux 환경 및 Docker 사용 능력", "Python 개발 경험", "CI/CD 구축 경험"),
        ("Kubernetes 운영 경험", "MLflow, Kubeflow 등 MLOps 도구 경험", "온프레미스 GPU 클러스터 운영 경험",
         "정보처리기사 또는 클라우드 자격증 보유자"),
        ("Python", "Docker", "Linux", "MLOps", "CI/CD"),
        ("Kubernetes", "MLflow", "Kubeflow", "AWS", "Git")),
    "nlp_llm": Track(
        ("LLM 엔지니어", "NLP 엔지니어", "생성형 AI 개발자"),
        ("사내 문서 기반 RAG 챗봇 개발 (LangChain, 벡터DB)", "오픈소스 LLM 파인튜닝 및 평가",
         "한국어 자연어처리 파이프라인 구축 (형태소 분석, 임베딩)", "프롬프트 설계 및 서비스 연동 API 개발"),
        ("Python 및 PyTorch 활용 능력", "NLP 또는 LLM 관련 프로젝트 경험", "Hugging Face Transformers 사용 경험"),
        ("RAG 시스템 구축 경험", "한국어 NLP 경험", "FastAPI 기반 API 개발 경험", "논문 구현 경험자"),
        ("Python", "PyTorch", "NLP", "LLM", "Hugging Face Transformers"),
        ("RAG", "LangChain", "FastAPI", "Prompt Engineering", "Vector DB")),
    "analytics": Track(
        ("데이터 사이언티스트", "데이터 분석가", "AI 데이터 분석 담당"),
        ("생산·품질·판매 데이터 분석 및 인사이트 도출", "수요 예측·품질 예측 머신러닝 모델 개발",
         "Tableau/Power BI 대시보드 구축", "현업 부서와 분석 과제 정의 및 결과 보고"),
        ("Python 또는 R 기반 데이터 분석 경험", "통계 및 머신러닝 기본 지식", "SQL 활용 능력"),
        ("ADsP, 빅데이터분석기사 등 관련 자격증 보유자", "제조·유통 도메인 분석 경험", "시각화 도구(Tableau, Power BI) 활용 경험"),
        ("Python", "SQL", "Machine Learning", "Statistics", "pandas"),
        ("R", "Tableau", "Power BI", "XGBoost", "Data Visualization")),
    "process_ai": Track(
        ("AI 공정 엔지니어", "스마트공장 AI 엔지니어", "공정혁신 AI 담당"),
        ("공정 데이터 기반 수율·품질 개선 과제 수행", "AI 솔루션 도입 기획 및 현장 적용 (PoC → 양산 적용)",
         "공정 조건 최적화 모델 개발 및 효과 검증", "AI 솔루션 공급기업 및 현장 부서 간 협업 조율"),
        ("제조 공정(생산기술/품질) 실무 경험", "Python 기초 또는 데이터 분석 경험", "관련 전공(기계·화공·산업공학 등)"),
        ("스마트공장 구축 사업 참여 경험", "MES 운영 경험", "6시그마 등 품질개선 방법론 이해", "재직자 AI 교육 이수자 우대"),
        ("Python", "Data Analysis", "Process Optimization", "MES"),
        ("Machine Learning", "SQL", "PLC", "Statistics", "Six Sigma")),
    "pm": Track(
        ("AI 서비스 기획자(PM)", "AI 프로덕트 매니저", "AI 사업 PM"),
        ("AI 솔루션 도입 과제 기획 및 일정·예산 관리", "고객사(수요기업) 요구사항 정의 및 PoC 관리",
         "정부지원사업 과제 제안서·결과보고서 작성", "개발·데이터 팀과 협업하여 서비스 로드맵 수립"),
        ("IT/AI 프로젝트 기획 또는 PM 경험", "AI·데이터 기술에 대한 기본 이해", "원활한 커뮤니케이션 및 문서 작성 능력"),
        ("정부 R&D·지원사업 수행 경험", "제조 도메인 이해", "SQL 등 데이터 조회 가능자", "PMP 등 자격증 보유자"),
        ("Product Management", "Project Management", "Machine Learning"),
        ("SQL", "Data Analysis", "Jira")),
    "robotics": Track(
        ("로보틱스 AI 엔지니어", "로봇 비전 엔지니어", "자율주행 로봇 SW 엔지니어"),
        ("ROS 기반 로봇 인지·제어 소프트웨어 개발", "3D 비전(Point Cloud) 기반 피킹·검사 알고리즘 개발",
         "강화학습/모방학습 기반 로봇 제어 연구", "협동로봇 현장 적용 및 테스트"),
        ("C++ 또는 Python 개발 능력", "ROS 사용 경험", "로봇공학 또는 컴퓨터 비전 기초 지식"),
        ("SLAM 경험자", "강화학습 경험자", "Isaac Sim 등 시뮬레이터 경험자"),
        ("C++", "Python", "ROS", "Computer Vision"),
        ("SLAM", "Reinforcement Learning", "Point Cloud", "PyTorch")),
    "backend": Track(
        ("AI 서비스 백엔드 개발자", "AI 플랫폼 백엔드 엔지니어"),
        ("AI 모델 서빙 API 개발 (FastAPI/Django)", "서비스 DB 설계 및 운영 (PostgreSQL)", "클라우드 인프라 구축 및 운영",
         "프론트엔드·AI 팀과 협업"),
        ("Python 웹 프레임워크(FastAPI, Django, Flask) 개발 경험", "RDBMS 설계 경험", "Git 기반 협업 경험"),
        ("AWS 운영 경험", "Docker/Kubernetes 경험", "MLOps 경험 우대"),
        ("Python", "FastAPI", "PostgreSQL", "Git"),
        ("Django", "Docker", "AWS", "Redis", "Kubernetes")),
}

# Titles only factories use, added to a track's own when the company makes things.
MANUFACTURING_TITLES = {
    "vision": ("제조 AI 엔지니어", "AI 비전검사 개발자"),
    "predictive": ("설비 데이터 AI 엔지니어", "예지보전 AI 엔지니어"),
    "data_eng": ("스마트팩토리 데이터 엔지니어",),
    "mlops": ("제조 AI 플랫폼 엔지니어",),
}

# (key, share of postings, min experience choices, title suffixes); pay bands in 만원 a year.
SENIORITY = (
    ("entry", 30, (0,), ("신입", "신입/경력", "")),
    ("junior", 30, (1, 2), ("경력 1년 이상", "주니어", "")),
    ("mid", 28, (3, 4, 5), ("경력 3년 이상", "경력 3~7년", "")),
    ("senior", 12, (7, 8, 10), ("시니어", "경력 7년 이상", "팀장급")),
)
SALARY_BANDS = {"entry": (3000, 4200), "junior": (3600, 5200), "mid": (4500, 7000), "senior": (6000, 9500)}

PERKS = ("4대보험", "퇴직연금", "중식 제공", "통근버스 운행", "사택·기숙사 지원", "자기계발비 지원", "GPU 서버 지원",
         "유연근무제", "명절 선물", "장기근속 포상", "건강검진 지원", "도서 구입비 지원", "컨퍼런스 참가 지원")
PROCESSES = ("서류전형 → 1차 면접(실무) → 2차 면접(임원) → 최종합격",
             "서류전형 → 과제 전형 → 기술 면접 → 최종합격",
             "서류전형 → 면접 → 처우 협의 → 최종합격")
EMPLOYMENT_LABELS = {"full_time": "정규직", "contract": "계약직", "internship": "인턴 (정규직 전환형)",
                     "part_time": "시간제"}
WORK_MODE_LABELS = {"onsite": "상주 근무", "hybrid": "하이브리드 근무, 주 2회 재택", "remote": "원격 근무 가능"}
