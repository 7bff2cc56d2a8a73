"""The interface tells the truth in one language: score bars whose segments are the points each part earned, skills
named in the page's language, a visitor's home that leads somewhere, error pages in the visitor's language."""
from __future__ import annotations

import re

import pytest

SCORE_BAR = '{% from "macros/jobs.html" import score_bar %}{{ score_bar(score, parts, weights) }}'


def render(app, source, lang="ko", **values):
    with app.test_request_context(f"/?lang={lang}"):
        return app.jinja_env.from_string(source).render(**values)


def test_the_score_bar_segments_are_the_points_each_part_earned_and_add_up_to_the_score(app):
    weights = {"dense": 0.0, "lexical": 0.3, "skills": 0.5, "experience": 0.2}
    parts = {"dense": 1.0, "lexical": 0.5, "skills": 0.8, "experience": 1.0}
    score = sum(weights[k] * parts[k] for k in weights)  # 0.15 + 0.40 + 0.20 = 0.75
    html = render(app, SCORE_BAR, "en", score=score, parts=parts, weights=weights)
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="8" fill="#\w+"><title>', html)]
    assert widths == pytest.approx([15.0, 40.0, 20.0])  # keywords, skills, experience; meaning has no weight
    assert sum(widths) == pytest.approx(score * 100) and "Match 75%" in html
    details = html.split("<details")[1]
    assert "Skills: 40 of 50 points (fit 80%)" in details and "Keywords: 15 of 30 points (fit 50%)" in details
    assert "Meaning" not in details  # a part with no weight is not shown as if it counted


def test_the_score_bar_is_described_in_korean_on_a_korean_page(app):
    html = render(app, SCORE_BAR, "ko", score=0.5, parts={"skills": 0.5}, weights={"skills": 1.0})
    assert "스킬: 100점 중 50점" in html and "Skills" not in html


@pytest.mark.parametrize("lang, typed, shown", [("ko", "Python", "파이썬"), ("en", "파이썬", "Python"),
                                                 ("en", "머신러닝", "Machine Learning"),
                                                 ("ko", "Quantum knitting", "Quantum knitting")])
def test_skill_tags_name_known_skills_in_the_page_language(app, lang, typed, shown):
    html = render(app, '{% from "macros/jobs.html" import skill_tags %}{{ skill_tags([typed], []) }}', lang,
                  typed=typed)
    assert f"✓ {shown}</span>" in html


def test_a_visitor_home_leads_to_sign_up_for_each_role_the_regional_figures_and_the_api(client):
    html = client.get("/").get_data(as_text=True)
    for role in ("seeker", "employer", "institution"):
        assert f'href="/auth/register?role={role}"' in html
    assert 'href="/regions/"' in html and 'href="/api/docs"' in html
    menu = html.split('class="main-menu"')[1].split("</nav>")[0]
    assert 'href="/regions/"' in menu  # the visitor's menu is not empty


def test_registration_starts_with_the_role_chosen_on_the_home_page(client):
    html = client.get("/auth/register?role=employer").get_data(as_text=True)
    assert re.search(r'<option[^>]*value="employer"[^>]*selected|<option selected[^>]*value="employer"', html) or \
        re.search(r'value="employer"[^>]*checked', html)


@pytest.mark.parametrize("lang, words", [("ko", "페이지를 찾을 수 없습니다"), ("en", "Page not found")])
def test_error_pages_speak_the_visitors_language(client, lang, words):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert words in response.get_data(as_text=True)


def test_every_page_has_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_a_page_below_a_menu_section_shows_the_way_back(login_as):
    client, _ = login_as("seeker")
    html = client.get("/seekers/applications").get_data(as_text=True)
    trail = html.split('<nav class="breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/seekers/"' in trail  # back to the seeker's home, the matches
    home = client.get("/seekers/").get_data(as_text=True)
    assert '<nav class="breadcrumb"' not in home  # a home page needs no trail
