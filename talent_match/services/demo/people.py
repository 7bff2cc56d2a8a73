"""Korean names and the words seekers use about themselves: headlines, summaries, projects, education.

Surnames carry their approximate share of the population (census 2015), so 김, 이 and 박 dominate as they do.
"""
from __future__ import annotations

# (hangul, romanisation, share in 0.1 %)
SURNAMES = (
    ("김", "kim", 215), ("이", "lee", 147), ("박", "park", 84), ("최", "choi", 47), ("정", "jung", 43),
    ("강", "kang", 23), ("조", "cho", 21), ("윤", "yoon", 20), ("장", "jang", 20), ("임", "lim", 17),
    ("한", "han", 15), ("오", "oh", 15), ("서", "seo", 15), ("신", "shin", 14), ("권", "kwon", 14),
    ("황", "hwang", 14), ("안", "ahn", 13), ("송", "song", 13), ("전", "jeon", 11), ("홍", "hong", 11),
    ("유", "yoo", 10), ("고", "ko", 9), ("문", "moon", 9), ("양", "yang", 8), ("손", "son", 8),
    ("배", "bae", 8), ("백", "baek", 8), ("허", "heo", 6), ("남", "nam", 5), ("심", "shim", 5),
    ("노", "noh", 5), ("하", "ha", 5), ("곽", "kwak", 4), ("성", "sung", 4), ("차", "cha", 4),
    ("주", "joo", 4), ("우", "woo", 4), ("구", "koo", 4), ("민", "min", 3), ("진", "jin", 3),
)
GIVEN_NAMES = (
    ("민준", "minjun"), ("서준", "seojun"), ("도윤", "doyun"), ("예준", "yejun"), ("시우", "siwoo"),
    ("하준", "hajun"), ("지호", "jiho"), ("주원", "juwon"), ("지훈", "jihoon"), ("준서", "junseo"),
    ("현우", "hyunwoo"), ("준혁", "junhyuk"), ("도현", "dohyun"), ("건우", "gunwoo"), ("우진", "woojin"),
    ("민재", "minjae"), ("현준", "hyunjun"), ("선우", "sunwoo"), ("서진", "seojin"), ("연우", "yeonwoo"),
    ("정우", "jungwoo"), ("승우", "seungwoo"), ("승현", "seunghyun"), ("준영", "junyoung"), ("성민", "sungmin"),
    ("동현", "donghyun"), ("재원", "jaewon"), ("상우", "sangwoo"), ("태현", "taehyun"), ("종현", "jonghyun"),
    ("민수", "minsu"), ("진우", "jinwoo"), ("영호", "youngho"), ("성호", "sungho"), ("재훈", "jaehoon"),
    ("서연", "seoyeon"), ("서윤", "seoyun"), ("지우", "jiwoo"), ("서현", "seohyun"), ("민서", "minseo"),
    ("하은", "haeun"), ("하윤", "hayun"), ("윤서", "yunseo"), ("지민", "jimin"), ("지유", "jiyu"),
    ("채원", "chaewon"), ("수아", "sua"), ("지아", "jia"), ("지윤", "jiyun"), ("은서", "eunseo"),
    ("다은", "daeun"), ("예은", "yeeun"), ("수빈", "subin"), ("소연", "soyeon"), ("예린", "yerin"),
    ("유진", "yujin"), ("민지", "minji"), ("수진", "sujin"), ("지현", "jihyun"), ("혜진", "hyejin"),
    ("은지", "eunji"), ("지영", "jiyoung"), ("현정", "hyunjung"), ("수연", "suyeon"), ("지은", "jieun"),
    ("예지", "yeji"), ("하늘", "haneul"), ("가은", "gaeun"), ("나연", "nayeon"), ("보람", "boram"),
)

KIND_SHARES = (("bootcamp_graduate", 40), ("university", 35), ("incumbent_worker", 25))
TRACKS_BY_KIND = {
    "bootcamp_graduate": (("vision", 20), ("nlp_llm", 18), ("analytics", 20), ("data_eng", 12), ("mlops", 10),
                          ("backend", 12), ("predictive", 5), ("robotics", 3)),
    "university": (("vision", 18), ("nlp_llm", 20), ("analytics", 18), ("data_eng", 10), ("mlops", 6),
                   ("backend", 10), ("predictive", 8), ("robotics", 8), ("pm", 2)),
    "incumbent_worker": (("process_ai", 30), ("predictive", 20), ("analytics", 15), ("pm", 12), ("vision", 10),
                         ("data_eng", 8), ("mlops", 5)),
}
TRACK_ROLE = {
    "vision": "Computer Vision 엔지니어", "predictive": "예지보전 AI 엔지니어", "data_eng": "데이터 엔지니어",
    "mlops": "MLOps 엔지니어", "nlp_llm": "LLM·NLP 엔지니어", "analytics": "데이터 분석가", "process_ai": "AI 공정 엔지니어",
    "pm": "AI 서비스 기획자", "robotics": "로보틱스 AI 엔지니어", "backend": "AI 서비스 백엔드 개발자",
}
TRACK_ROLES_ALT = {
    "vision": "제조 AI 엔지니어", "predictive": "데이터 사이언티스트", "data_eng": "빅데이터 플랫폼 엔지니어",
    "mlops": "ML 플랫폼 엔지니어", "nlp_llm": "생성형 AI 개발자", "analytics": "데이터 사이언티스트",
    "process_ai": "스마트공장 AI 엔지니어", "pm": "AI 프로덕트 매니저", "robotics": "로봇 비전 엔지니어",
    "backend": "백엔드 엔지니어",
}
PROJECTS = {
    "vision": ("YOLOv8으로 PCB 불량 검출 모델을 만들어 mAP 0.91을 달성했습니다",
               "용접 비드 이미지 분류에 데이터 증강과 전이학습(ResNet)을 적용했습니다",
               "Jetson Orin에 TensorRT로 경량화한 검사 모델을 배포해 30 FPS를 확보했습니다",
               "주조 부품 외관 결함 Segmentation 프로젝트로 부트캠프 최우수상을 받았습니다"),
    "predictive": ("모터 진동 데이터로 LSTM 오토인코더 이상 탐지 모델을 개발했습니다",
                   "공정 센서 데이터로 설비 고장 예측 모델(XGBoost)을 만들어 재현율 0.87을 얻었습니다",
                   "압축기 운전 데이터로 잔존수명(RUL) 예측 과제를 수행했습니다"),
    "data_eng": ("Kafka와 Airflow로 설비 데이터 수집 파이프라인을 구축했습니다",
                 "공공데이터를 PostgreSQL 데이터 마트로 적재하는 ETL을 개발했습니다",
                 "Spark로 1억 건 로그 집계 배치를 만들어 처리 시간을 70% 줄였습니다"),
    "mlops": ("MLflow와 Docker로 모델 학습·배포 파이프라인을 자동화했습니다",
              "Kubernetes에 모델 서빙(Triton)을 구성하고 Prometheus로 모니터링했습니다",
              "GitHub Actions로 모델 재학습 CI/CD를 구축했습니다"),
    "nlp_llm": ("사내 규정 문서 RAG 챗봇을 LangChain과 벡터DB로 구현했습니다",
                "한국어 리뷰 감성 분석 모델(KoBERT)을 파인튜닝했습니다",
                "오픈소스 LLM을 LoRA로 파인튜닝해 민원 분류 정확도를 높였습니다"),
    "analytics": ("매출·재고 데이터로 수요 예측 모델을 만들고 Tableau 대시보드를 구축했습니다",
                  "지역 상권 데이터를 분석해 창업 입지 추천 리포트를 작성했습니다",
                  "품질 검사 데이터 분석으로 불량 원인 3가지를 찾아 공정 개선을 제안했습니다"),
    "process_ai": ("사내 스마트공장 구축 과제에서 MES 데이터 기반 불량 예측을 도입했습니다",
                   "사출 성형 조건 데이터를 분석해 불량률을 2.1%에서 0.8%로 낮췄습니다",
                   "재직자 AI 교육 과정에서 가공 공정 최적화 프로젝트를 수행했습니다"),
    "pm": ("제조 AI 바우처 사업의 수요기업 PM으로 비전 검사 PoC를 관리했습니다",
           "AI 서비스 기획서와 정부지원사업 제안서를 작성해 과제를 수주했습니다"),
    "robotics": ("ROS2 기반 자율주행 로봇의 SLAM과 경로계획을 구현했습니다",
                 "3D 카메라 Point Cloud로 빈피킹 자세 추정 알고리즘을 개발했습니다"),
    "backend": ("FastAPI로 AI 모델 추론 API를 만들고 Docker로 배포했습니다",
                "Django와 PostgreSQL로 예약 서비스 백엔드를 개발했습니다"),
}
MAJORS = {
    "university": ("컴퓨터공학", "인공지능학", "소프트웨어학", "전자공학", "산업공학", "통계학", "데이터사이언스",
                   "기계공학", "수학", "정보통신공학"),
    "bootcamp_graduate": ("경영학", "산업공학", "기계공학", "통계학", "전자공학", "국어국문학", "화학공학", "생명과학",
                          "경제학", "컴퓨터공학", "물리학", "심리학"),
    "incumbent_worker": ("기계공학", "전자공학", "화학공학", "산업공학", "신소재공학", "조선해양공학", "메카트로닉스",
                         "경영학"),
}
INCUMBENT_JOBS = ("생산기술 엔지니어", "품질관리 담당", "설비보전 엔지니어", "공정 엔지니어", "생산관리 담당",
                  "연구개발 엔지니어", "IT 운영 담당", "영업기획 담당")
INCUMBENT_SKILLS = ("MES", "PLC", "Six Sigma", "Statistics", "AutoCAD", "Excel", "ERP", "Quality Management")
FREE_TEXT_SKILLS = ("사내 MES 운영", "현장 개선 활동", "도면 해독", "문제해결 능력", "영어 회화", "일본어",
                    "프레젠테이션", "품질 8D 리포트")
CERTIFICATIONS = {
    "vision": ("정보처리기사", "AICE Associate", "TensorFlow Developer Certificate"),
    "predictive": ("빅데이터분석기사", "ADsP", "정보처리기사"),
    "data_eng": ("SQLD", "정보처리기사", "AWS Certified Solutions Architect – Associate"),
    "mlops": ("CKA", "AWS Certified Machine Learning – Specialty", "정보처리기사"),
    "nlp_llm": ("정보처리기사", "AICE Associate"),
    "analytics": ("ADsP", "빅데이터분석기사", "SQLD", "경영정보시각화능력"),
    "process_ai": ("품질경영기사", "6시그마 그린벨트", "빅데이터분석기사", "기계설계산업기사"),
    "pm": ("PMP", "정보처리기사", "ADsP"),
    "robotics": ("로봇기구개발기사", "정보처리기사"),
    "backend": ("정보처리기사", "SQLD", "AWS Certified Developer – Associate"),
}
