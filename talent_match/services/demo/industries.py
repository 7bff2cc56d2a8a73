"""Industries of the regions' AI plans: what firms make, what they call themselves, and where AI helps them.

Each use case is (track, title focus, main duty). The track picks the role template in roles.py; the focus goes in
the posting title in brackets, the way Korean postings write it: "제조 AI 엔지니어 (Computer Vision / 불량 검출)".
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    label: str                      # Company.industry, in Korean
    stems: tuple[str, ...]          # second half of invented company names
    products: tuple[str, ...]
    use_cases: tuple[tuple[str, str, str], ...]


# Industries that run production lines: their postings may say 제조 AI, 설비, 스마트팩토리.
MANUFACTURING = frozenset({"machinery", "aerospace", "defence", "automotive", "shipbuilding", "petrochemicals",
                           "semiconductors", "display", "batteries", "steel", "electronics", "carbon_materials",
                           "materials"})

_VISION_MFG = ("vision", "Computer Vision / 불량 검출", "생산 라인 외관 불량 검출을 위한 비전 검사 모델 개발")
_LLM_DOCS = ("nlp_llm", "LLM / 사내 문서 RAG", "사내 기술문서·작업표준서 기반 RAG 챗봇 구축")
_MLOPS = ("mlops", "MLOps / 모델 운영", "현장에 배포된 AI 모델의 학습·배포·모니터링 파이프라인 구축")
_DATA_MFG = ("data_eng", "스마트팩토리 데이터", "MES·PLC 설비 데이터 수집 파이프라인 및 데이터 레이크 구축")
_PM = ("pm", "AI 도입 PM", "AI 솔루션 도입 과제 기획 및 수요기업·공급기업 간 PoC 관리")

INDUSTRIES: dict[str, Industry] = {
    "machinery": Industry(
        "기계·부품", ("정밀", "기계", "엠텍", "테크", "산업"), ("CNC 가공 부품", "유압 실린더", "공작기계 부품", "감속기"),
        (_VISION_MFG, ("predictive", "예지보전 / 시계열", "CNC·프레스 설비 진동·전류 데이터 기반 예지보전 모델 개발"),
         ("process_ai", "공정 최적화", "가공 조건 최적화를 위한 공정 데이터 분석 및 AI 모델 적용"), _DATA_MFG, _MLOPS)),
    "aerospace": Industry(
        "항공우주", ("에어로", "에어로텍", "항공", "스페이스"), ("항공기 기체 부품", "복합재 구조물", "항공 엔진 부품"),
        (("vision", "Computer Vision / 복합재 결함 검사", "복합재 구조물 초음파·X-ray 영상 기반 결함 검출 모델 개발"),
         ("process_ai", "품질 데이터 분석", "항공 부품 가공·조립 품질 데이터 분석 및 불량 원인 예측"),
         ("nlp_llm", "LLM / 정비 문서", "항공 정비 매뉴얼·기술문서 검색을 위한 LLM 기반 질의응답 시스템 개발"), _DATA_MFG)),
    "defence": Industry(
        "방위산업", ("디펜스", "시스템", "정밀", "텍"), ("유도무기 부품", "방산 전자장비", "기동장비 구동부"),
        (("vision", "영상 AI / 표적 인식", "EO/IR 영상 기반 객체 탐지·추적 알고리즘 개발"),
         ("predictive", "예지정비 / 시계열", "기동장비 센서 데이터 기반 예지정비(CBM+) 모델 개발"),
         _LLM_DOCS, _MLOPS)),
    "automotive": Industry(
        "자동차 부품", ("오토텍", "모빌리티", "오토", "모터스", "정공"), ("차체 부품", "전장 부품", "구동 모듈", "시트 프레임"),
        (_VISION_MFG, ("predictive", "설비 이상탐지", "용접·프레스 설비 이상 탐지 모델 개발"),
         ("process_ai", "용접 품질 AI", "용접 전류·전압 데이터 기반 품질 예측 및 공정 최적화"), _DATA_MFG, _MLOPS)),
    "shipbuilding": Industry(
        "조선·해양", ("중공업", "해양", "마린", "조선"), ("선박 블록", "의장품", "해양플랜트 기자재"),
        (("vision", "Computer Vision / 용접 검사", "선박 블록 용접부 비전 검사 및 도장 품질 판정 모델 개발"),
         ("process_ai", "생산계획 최적화", "블록 생산 일정 및 물류 최적화 모델 개발"),
         ("robotics", "용접 로봇 AI", "협소 구역 용접 로봇의 경로 생성 및 비전 보정"), _LLM_DOCS)),
    "petrochemicals": Industry(
        "석유화학", ("케미칼", "화학", "유화", "켐"), ("기초 유분", "합성수지", "특수 화학소재"),
        (("predictive", "공정 이상탐지", "반응기·압축기 운전 데이터 기반 이상 탐지 및 고장 예측"),
         ("process_ai", "공정 최적화 (APC)", "운전 조건 최적화를 위한 소프트센서·APC 모델 개발"),
         ("analytics", "안전 데이터 분석", "설비 점검·안전 데이터 분석 및 위험 예측 대시보드 구축"), _DATA_MFG)),
    "semiconductors": Industry(
        "반도체 장비·소재", ("세미콘", "반도체", "머티리얼즈", "테크"), ("반도체 장비 부품", "공정 소재", "검사 장비"),
        (("vision", "Computer Vision / 웨이퍼 결함 분류", "웨이퍼·패턴 이미지 결함 분류(ADC) 모델 개발"),
         ("predictive", "장비 FDC", "장비 센서(FDC) 데이터 기반 이상 탐지 및 가상 계측(VM) 모델 개발"),
         ("process_ai", "수율 분석", "공정 데이터 기반 수율 저하 원인 분석"), _MLOPS)),
    "display": Industry(
        "디스플레이", ("디스플레이", "옵틱스", "비전", "테크"), ("OLED 공정 장비", "디스플레이 부품", "광학 필름"),
        (("vision", "Computer Vision / 패널 검사", "디스플레이 패널 얼룩(Mura)·결함 검출 모델 개발"),
         ("process_ai", "공정 데이터 분석", "증착·식각 공정 데이터 분석 및 불량 예측"),
         ("data_eng", "제조 데이터 허브", "충남 제조 데이터 허브 연계 공정 데이터 파이프라인 구축"), _MLOPS)),
    "batteries": Industry(
        "이차전지", ("에너지", "배터리", "셀텍", "소재"), ("양극재", "배터리 팩", "전해액"),
        (("vision", "Computer Vision / 전극 검사", "전극·셀 외관 비전 검사 모델 개발"),
         ("predictive", "배터리 수명 예측", "충방전 데이터 기반 배터리 수명(SOH) 예측 모델 개발"),
         ("process_ai", "공정 최적화", "코팅·압연 공정 조건 최적화"), _DATA_MFG)),
    "steel": Industry(
        "철강·금속", ("스틸", "금속", "메탈", "철강"), ("냉연 강판", "특수강", "금속 가공품"),
        (("vision", "Computer Vision / 표면 결함", "강판 표면 결함 검출 모델 개발"),
         ("predictive", "설비 예지보전", "압연 설비 예지보전 모델 개발"),
         ("process_ai", "공정 최적화", "조업 데이터 기반 품질 예측 및 공정 조건 최적화"), _DATA_MFG)),
    "electronics": Industry(
        "전자부품", ("일렉트로닉스", "전자", "텍", "디바이스"), ("PCB 모듈", "카메라 모듈", "전자 부품"),
        (("vision", "Computer Vision / PCB 검사", "SMT 라인 PCB 외관 검사(AOI) 딥러닝 모델 개발"),
         ("analytics", "품질 데이터 분석", "공정·검사 데이터 분석 및 불량 예측"), _MLOPS, _DATA_MFG)),
    "bio": Industry(
        "바이오", ("바이오", "바이오텍", "팜", "사이언스", "랩"), ("바이오의약품", "건강기능식품 원료", "진단 키트"),
        (("analytics", "바이오 데이터 분석", "실험·생산 데이터 분석 및 배양 조건 예측 모델 개발"),
         ("nlp_llm", "LLM / 문헌 분석", "논문·특허 문헌 분석을 위한 LLM 파이프라인 구축"),
         ("vision", "세포 이미지 분석", "현미경 세포 이미지 분할·분류 모델 개발"), _DATA_MFG)),
    "healthcare": Industry(
        "헬스케어", ("헬스케어", "메디", "케어", "헬스"), ("디지털 헬스케어 서비스", "원격 모니터링 플랫폼", "의료 AI 솔루션"),
        (("vision", "의료 영상 AI", "X-ray·CT 의료 영상 판독 보조 모델 개발"),
         ("analytics", "생체신호 분석", "웨어러블 생체신호 데이터 분석 및 이상 징후 예측"),
         ("nlp_llm", "LLM / 의료 문서", "의무기록 요약 및 상담 챗봇 개발"), ("backend", "헬스케어 플랫폼", "AI 헬스케어 서비스 백엔드 개발"))),
    "medical_devices": Industry(
        "의료기기", ("메디칼", "메디텍", "메드", "헬스"), ("진단 장비", "초음파 기기", "재활 의료기기"),
        (("vision", "의료 영상 AI", "초음파 영상 분석 알고리즘 개발"),
         ("analytics", "임상 데이터 분석", "임상시험 데이터 분석 및 인허가 자료 작성 지원"),
         ("backend", "의료기기 SW", "의료기기 연동 AI 소프트웨어 개발"))),
    "beauty": Industry(
        "화장품·뷰티", ("코스메틱", "뷰티", "코스", "랩"), ("천연 화장품", "기능성 화장품", "뷰티 디바이스"),
        (("analytics", "수요 예측", "판매·리뷰 데이터 기반 수요 예측 및 상품 추천 모델 개발"),
         ("nlp_llm", "리뷰 분석 / LLM", "고객 리뷰 감성 분석 및 마케팅 문구 생성 LLM 적용"),
         ("vision", "피부 이미지 분석", "피부 이미지 기반 피부 상태 진단 모델 개발"))),
    "agrifood": Industry(
        "농식품", ("푸드", "팜", "식품", "애그텍"), ("가공식품", "스마트팜 작물", "감귤 가공품", "발효식품"),
        (("vision", "선별 AI", "농산물 등급 선별을 위한 비전 모델 개발"),
         ("analytics", "수확량 예측", "기상·생육 데이터 기반 수확량 예측 모델 개발"),
         ("data_eng", "스마트팜 데이터", "스마트팜 센서 데이터 수집·적재 파이프라인 구축"), _PM)),
    "carbon_materials": Industry(
        "탄소소재", ("카본", "소재", "머티리얼", "컴포지트"), ("탄소섬유", "복합소재 부품", "탄소 복합재"),
        (("process_ai", "공정 최적화", "탄소섬유 소성 공정 데이터 분석 및 조건 최적화"),
         ("vision", "Computer Vision / 외관 검사", "복합재 외관 결함 검출 모델 개발"), _DATA_MFG)),
    "materials": Industry(
        "소재·부품·장비", ("소재", "머티리얼즈", "부품", "이엔지"), ("금속 소재", "세라믹 부품", "산업용 장비"),
        (("process_ai", "공정 최적화", "소재 공정 데이터 기반 품질 예측 및 조건 최적화"),
         _VISION_MFG, ("predictive", "장비 예지보전", "생산 장비 이상 탐지 모델 개발"), _DATA_MFG)),
    "energy": Industry(
        "에너지·신재생", ("에너지", "파워", "솔라", "그린에너지"), ("태양광 발전", "해상풍력 기자재", "ESS"),
        (("predictive", "발전량 예측", "기상 데이터 기반 태양광·풍력 발전량 예측 모델 개발"),
         ("analytics", "에너지 데이터 분석", "전력 사용 데이터 분석 및 수요 예측"),
         ("data_eng", "에너지 데이터 플랫폼", "발전소 SCADA 데이터 수집·적재 파이프라인 구축"), _MLOPS)),
    "logistics": Industry(
        "물류·항만", ("로지스", "물류", "로지스틱스", "해운"), ("항만 물류 서비스", "풀필먼트", "냉동 물류"),
        (("analytics", "물동량 예측", "항만·창고 물동량 예측 모델 개발"),
         ("process_ai", "배차 최적화", "배차·경로 최적화 알고리즘 개발"),
         ("vision", "Computer Vision / 화물 인식", "컨테이너·화물 번호 인식 및 적재 상태 인식 모델 개발"), _PM)),
    "marine": Industry(
        "해양수산", ("마린", "오션", "수산", "씨텍"), ("수산 가공품", "해양 관측 장비", "양식 솔루션"),
        (("analytics", "해양 데이터 분석", "해양 환경 데이터 분석 및 적조·수온 예측"),
         ("vision", "어종 인식 AI", "수산물 어종·크기 자동 인식 모델 개발"), _PM)),
    "tourism": Industry(
        "관광·서비스", ("트래블", "투어", "여행", "리조트"), ("관광 플랫폼", "숙박 예약 서비스", "지역 관광 콘텐츠"),
        (("analytics", "관광 수요 예측", "관광객 이동·예약 데이터 기반 수요 예측"),
         ("nlp_llm", "다국어 LLM 챗봇", "다국어 관광 안내 LLM 챗봇 개발"), ("backend", "관광 플랫폼", "추천 기능을 갖춘 관광 플랫폼 백엔드 개발"))),
    "robotics": Industry(
        "로봇", ("로보틱스", "로봇", "로보텍", "오토메이션"), ("협동로봇", "물류 로봇", "로봇 그리퍼"),
        (("robotics", "로봇 비전 / 피킹", "3D 비전 기반 빈피킹 알고리즘 개발"),
         ("robotics", "자율주행 로봇", "ROS 기반 자율주행 로봇 SLAM·경로계획 개발"), _MLOPS)),
    "ai_startup": Industry(
        "AI 솔루션", ("에이아이", "AI랩스", "인텔리전스", "데이터", "랩스"), ("제조 AI 솔루션", "AI 비전 검사 솔루션",
                                                           "LLM 기반 업무 자동화 서비스"),
        (("vision", "Computer Vision / 비전 검사 솔루션", "수요기업 맞춤형 비전 검사 모델 개발 및 현장 적용"),
         ("nlp_llm", "LLM / RAG", "기업 고객용 RAG 기반 문서 검색·요약 서비스 개발"),
         ("mlops", "MLOps / 모델 서빙", "GPU 클러스터 기반 모델 학습·서빙 플랫폼 운영"),
         ("backend", "AI 플랫폼", "AI 솔루션 SaaS 백엔드 개발"), _PM)),
    "it_services": Industry(
        "IT 서비스·SI", ("소프트", "시스템즈", "정보통신", "솔루션", "아이티"), ("SI·SM 서비스", "클라우드 서비스", "업무 시스템"),
        (("backend", "AI 서비스 개발", "AI 모델을 연동한 업무 시스템 백엔드 개발"),
         ("data_eng", "데이터 플랫폼", "고객사 데이터 플랫폼 구축 및 ETL 개발"),
         ("nlp_llm", "생성형 AI", "생성형 AI 기반 업무 자동화 서비스 개발"), _MLOPS, _PM)),
    "finance": Industry(
        "핀테크·금융", ("핀테크", "페이", "인베스트", "파이낸셜"), ("간편결제 서비스", "신용평가 솔루션", "자산관리 플랫폼"),
        (("analytics", "신용평가 모델", "대안 데이터 기반 신용평가·이상거래 탐지 모델 개발"),
         ("nlp_llm", "LLM / 금융 상담", "금융 상품 상담 LLM 챗봇 개발"), _MLOPS)),
    "aviation": Industry(
        "항공·MRO", ("에어", "항공", "에어텍"), ("항공 정비(MRO)", "항공 화물 서비스", "공항 지상조업"),
        (("predictive", "예지정비", "항공기 부품 정비 이력 기반 고장 예측 모델 개발"),
         ("nlp_llm", "LLM / 정비 문서", "정비 매뉴얼 검색 LLM 시스템 개발"), _PM)),
    "research": Industry(
        "연구개발 서비스", ("연구소", "R&D", "랩", "테크"), ("연구개발 용역", "시험·분석 서비스", "기술사업화"),
        (("vision", "연구용 영상 AI", "연구 과제용 영상 인식 모델 개발"),
         ("nlp_llm", "LLM 연구", "도메인 특화 소형 언어모델 학습 및 평가"),
         ("analytics", "실험 데이터 분석", "실험 데이터 분석 및 시뮬레이션 대리모델(Surrogate) 개발"))),
    "smart_city": Industry(
        "스마트시티", ("시티", "모빌리티", "스마트", "어반"), ("스마트 교통 솔루션", "도시 데이터 플랫폼", "자율주행 셔틀"),
        (("analytics", "도시 데이터 분석", "교통·에너지 도시 데이터 분석 및 수요 예측"),
         ("data_eng", "도시 데이터 허브", "스마트시티 데이터 허브 파이프라인 구축"),
         ("vision", "CCTV 영상 AI", "교통 CCTV 영상 기반 객체 인식 및 이벤트 감지"))),
    "public_admin": Industry(
        "공공 IT", ("정보", "시스템", "데이터", "솔루션"), ("공공 정보시스템", "행정 데이터 서비스", "민원 챗봇"),
        (("nlp_llm", "LLM / 민원 자동화", "행정 문서·민원 분류 및 답변 초안 생성 LLM 적용"),
         ("analytics", "행정 데이터 분석", "공공데이터 분석 및 정책 지표 대시보드 구축"), _PM)),
}
