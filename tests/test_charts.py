"""SVG charts and the 17-region map: safe markup (escaped text, no script, no style attribute), one shape per
region, shading by the figure chosen."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from talent_match.services.reference.regions import reference_rows
from talent_match.web import charts
from talent_match.web.charts import Value

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "quotes"'
SLUGS = [row["slug"] for row in reference_rows()]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def all_charts(label=EVIL):
    values = {slug: Value(i, str(i)) for i, slug in enumerate(SLUGS)}
    return [
        charts.bar_chart(label, [(label, Value(3, label)), ("b", Value(None, "<5"))]),
        charts.paired_bar_chart(label, [(label, Value(4, "4"), Value(None, "<5"))], (label, "people")),
        charts.line_chart(label, [label, "6"], [(label, [Value(.5, label), Value(None, "—")])]),
        charts.region_map(label, values, {slug: label for slug in SLUGS}, legend_title=label, no_data=label,
                          links={"seoul": '/regions/seoul?x="1"&y=<2>'}),
    ]


@pytest.mark.parametrize("index", range(4))
def test_every_chart_escapes_its_labels_and_is_well_formed_svg(index):
    markup = str(all_charts()[index])
    assert "<script" not in markup and '"x"' not in markup
    assert "&lt;script&gt;" in markup and "&amp; " in markup
    root = parse(markup)
    # a chart holding links is a named group (its links stay reachable), any other one image
    assert root.tag == f"{SVG}svg" and root.get("role") == ("group" if index == 3 else "img")
    assert root.find(f"{SVG}title").text == EVIL
    assert index != 3 or root.get("aria-label") == EVIL


def test_a_map_without_links_is_one_image():
    values = {slug: Value(1, "1") for slug in SLUGS}
    root = parse(charts.region_map("Map", values, {slug: slug for slug in SLUGS}, legend_title="n", no_data="-"))
    assert root.get("role") == "img" and root.get("aria-label") is None


@pytest.mark.parametrize("index", range(4))
def test_charts_need_no_inline_style_or_script(index):
    markup = str(all_charts()[index])
    root = parse(markup)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")


def test_the_map_has_one_shape_and_title_per_region():
    root = parse(all_charts("Map")[3])
    regions = root.findall(f".//{SVG}g[@class='map-region']")
    assert sorted(g.get("data-region") for g in regions) == sorted(SLUGS)
    for group in regions:
        shapes = [child for child in group if child.tag in (f"{SVG}rect", f"{SVG}path", f"{SVG}polygon")]
        assert len(shapes) == 1
        assert group.find(f"{SVG}title").text


def test_the_map_file_names_the_seventeen_regions_once():
    shapes, _ = charts.map_shapes()
    assert sorted(shape.slug for shape in shapes) == sorted(SLUGS)
    assert len({shape.short for shape in shapes}) == 17


def shades(markup) -> dict[str, str]:
    return {g.get("data-region"): g.get("data-shade") for g in parse(markup).iter(f"{SVG}g")
            if g.get("class") == "map-region"}


def test_the_map_is_shaded_by_the_figure_given_darker_for_more():
    names = {slug: slug for slug in SLUGS}
    postings = charts.region_map("p", {"seoul": Value(10, "10"), "busan": Value(5, "5"), "jeju": Value(None, "<5")},
                                 names, legend_title="p", no_data="none")
    seekers = charts.region_map("s", {"seoul": Value(1, "1"), "busan": Value(20, "20")}, names, legend_title="s",
                                no_data="none")
    assert shades(postings)["seoul"] == "4" and int(shades(postings)["busan"]) < 4
    assert shades(postings)["jeju"] == "none" and shades(postings)["daegu"] == "none"
    assert shades(seekers)["busan"] == "4" and int(shades(seekers)["seoul"]) < 4


def test_hidden_figures_print_their_text_but_draw_nothing():
    markup = str(charts.bar_chart("t", [("hidden", Value(None, "<5")), ("shown", Value(8, "8"))]))
    bars = [r for r in parse(markup).iter(f"{SVG}rect") if r.get("fill") == charts.SERIES_COLOURS[0]]
    assert len(bars) == 1 and "&lt;5" in markup


def test_a_missing_point_breaks_the_line():
    points = [Value(.5, "a"), Value(.6, "b"), Value(None, "—"), Value(.4, "c")]
    markup = charts.line_chart("t", ["3", "6", "9", "12"], [("r", points)])
    lines = list(parse(markup).iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    assert len(list(parse(markup).iter(f"{SVG}circle"))) == 3


def test_integer_legends_use_whole_numbers():
    assert charts.shade_steps([0, 1, 3], integer=True) == [1, 2, 3]
    assert charts.shade_steps([100], integer=True) == [20, 40, 60, 80, 100]


def test_paired_bars_share_one_scale_so_their_lengths_compare():
    markup = charts.paired_bar_chart("gap", [("Python", Value(85, "85"), Value(340, "340")),
                                            ("SQL", Value(10, "10"), Value(None, "<5"))], ("postings", "people"))
    lengths = {r.get("fill"): [] for r in parse(markup).iter(f"{SVG}rect")}
    for r in parse(markup).iter(f"{SVG}rect"):
        if r.get("height") == "14":  # the bars, not the legend's swatches
            lengths[r.get("fill")].append(float(r.get("width")))
    postings, people = lengths[charts.SERIES_COLOURS[0]], lengths[charts.SERIES_COLOURS[1]]
    assert people[0] == pytest.approx(4 * postings[0], rel=0.01)  # 340 is four times 85, drawn so
    assert postings[1] == pytest.approx(postings[0] * 10 / 85, rel=0.01) and len(people) == 1  # "<5" draws nothing


def test_counts_are_written_as_babel_writes_them_in_every_language_the_site_speaks(app):
    from babel.numbers import format_decimal
    from flask_babel import force_locale

    from talent_match.web.figures import number

    for language in app.config["LANGUAGES"]:
        with app.test_request_context("/"), force_locale(language):
            for value in (0, 7, 999, 1000, 1234567, -4321, 2.5, 1234.567):
                assert number(value) == format_decimal(value, locale=language)
    with app.test_request_context("/"):
        assert number(None) == number(True) == number("12") == "—"
