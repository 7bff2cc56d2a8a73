"""Charts as SVG markup built from plain values: bar, paired bar and line charts, and the 17-region map.

Pictures are for people who would rather look than read, so each chart also names every figure in <title>s and
pages show the same figures in a table. The markup needs no script and no style attribute (the CSP allows
neither): colours and sizes are SVG presentation attributes. Every text that reaches the markup is escaped.
"""
from __future__ import annotations

import math
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Sequence

from markupsafe import Markup, escape

MAP_SVG = Path(__file__).resolve().parents[2] / "static" / "img" / "korea-regions.svg"
SERIES_COLOURS = ("#1557a0", "#c05f00", "#1f7a3a", "#7b3fa0")
SERIES_DASHES = ("", "6 4", "2 3", "8 3 2 3")
SHADES = ("#e8f0fa", "#bfd3ec", "#8bb1dc", "#4f86c6", "#1f5a9e")   # light to dark, colour-blind safe blues
DARK_FROM = 3                                                      # shades from here on take white text
NO_DATA = "#f4f5f7"
INK, MUTED, LINE = "#1d2733", "#5b6775", "#d8dee6"
LEGEND_ROW_H = 18


@dataclass(frozen=True)
class Value:
    """One figure: the number to draw (None when hidden or not applicable) and the text to print beside it."""

    value: float | None
    text: str


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str,
         interactive: bool = False) -> Markup:
    """A chart is one image to assistive technology; one holding links is a group, so its links stay reachable."""
    role = f'role="group" aria-label="{escape(title)}"' if interactive else 'role="img"'
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" viewBox="0 0 {width} '
            f'{height}" width="{width}" height="{height}" {role} preserveAspectRatio="xMinYMin meet">'
            f"<title>{escape(title)}</title>")
    if desc:
        head += f"<desc>{escape(desc)}</desc>"
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = INK,
          weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{bold}>'
            f"{escape(text)}</text>")


def _scale_max(values: Sequence[float | None], given: float | None) -> float:
    if given:
        return float(given)
    present = [v for v in values if v is not None]
    return max(present) if present and max(present) > 0 else 1.0


def bar_chart(title: str, bars: Sequence[tuple[str, Value]], *, max_value: float | None = None, desc: str = "",
              width: int = 560) -> Markup:
    """Horizontal bars, one per (label, value); a hidden value draws no bar but keeps its printed text ("<5")."""
    label_w, row_h, top = 170, 28, 8
    plot_w = width - label_w - 70
    top_value = _scale_max([v.value for _, v in bars], max_value)
    body = []
    for index, (label, value) in enumerate(bars):
        y = top + index * row_h
        length = 0.0 if value.value is None else max(0.0, min(value.value / top_value, 1.0)) * plot_w
        body.append(f"<g><title>{escape(label)}: {escape(value.text)}</title>")
        body.append(_text(label_w - 8, y + 17, _clip(label), anchor="end"))
        body.append(f'<rect x="{label_w}" y="{y + 5}" width="{plot_w}" height="16" fill="{NO_DATA}"/>')
        if length:
            body.append(f'<rect x="{label_w}" y="{y + 5}" width="{length:.1f}" height="16" '
                        f'fill="{SERIES_COLOURS[0]}"/>')
        body.append(_text(label_w + length + 6, y + 17, value.text, fill=MUTED if value.value is None else INK))
        body.append("</g>")
    return _svg(width, top * 2 + row_h * max(len(bars), 1), title, desc, body, "bar-chart")


def paired_bar_chart(title: str, rows: Sequence[tuple[str, Value, Value]], series: tuple[str, str], *,
                     desc: str = "", width: int = 560) -> Markup:
    """Two bars per label (e.g. postings asking for a skill beside people holding it) on one shared scale, so
    85 postings draw a quarter of the length of 340 people; the legend names the two series, and every bar
    prints its number."""
    label_w, row_h, top = 170, 40, 30
    plot_w = width - label_w - 70
    scale = _scale_max([row[i].value for row in rows for i in (1, 2)], None)
    body, legend_rows = _legend(series, 0, 14, width, swatch=True)
    top += LEGEND_ROW_H * (legend_rows - 1)
    for index, (label, first, second) in enumerate(rows):
        y = top + index * row_h
        body.append(f"<g><title>{escape(label)}: {escape(series[0])} {escape(first.text)}, "
                    f"{escape(series[1])} {escape(second.text)}</title>")
        body.append(_text(label_w - 8, y + 22, _clip(label), anchor="end"))
        for offset, (value, colour) in enumerate(zip((first, second), SERIES_COLOURS)):
            bar_y = y + 4 + offset * 17
            length = 0.0 if value.value is None else max(0.0, min(value.value / scale, 1.0)) * plot_w
            if length:
                body.append(f'<rect x="{label_w}" y="{bar_y}" width="{length:.1f}" height="14" fill="{colour}"/>')
            body.append(_text(label_w + length + 6, bar_y + 12, value.text, size=11,
                              fill=MUTED if value.value is None else INK))
        body.append("</g>")
    return _svg(width, top + row_h * max(len(rows), 1) + 4, title, desc, body, "paired-bar-chart")


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[Value]]], *,
               y_max: float = 1.0, y_format: Callable[[float], str] = lambda v: f"{v:.0%}", desc: str = "",
               width: int = 560, height: int = 260) -> Markup:
    """Lines over shared x positions (e.g. checkpoints 3/6/9/12 months); a missing point breaks its line."""
    legend, legend_rows = _legend([name for name, _ in series], 0, 14, width)
    # Room on the right for half of the last x label, which is centred on the last point.
    right = max(16.0, _text_width(x_labels[-1], 11) / 2 + 4) if x_labels else 16.0
    left, top, bottom = 48, 34 + LEGEND_ROW_H * (legend_rows - 1), 30
    height += LEGEND_ROW_H * (legend_rows - 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - 1, 1)

    def x_at(i: int) -> float:
        return left + i * step if len(x_labels) > 1 else left + plot_w / 2

    def y_at(v: float) -> float:
        return top + plot_h - max(0.0, min(v / y_max, 1.0)) * plot_h

    body = legend
    for tick in range(5):
        value = y_max * tick / 4
        y = y_at(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(_text(left - 6, y + 4, y_format(value), anchor="end", size=11, fill=MUTED))
    for i, label in enumerate(x_labels):
        body.append(_text(x_at(i), height - 10, label, anchor="middle", size=11, fill=MUTED))
    for index, (name, points) in enumerate(series):
        colour, dash = SERIES_COLOURS[index % 4], SERIES_DASHES[index % 4]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f"<g><title>{escape(name)}</title>")
        for run in _runs(points):
            if len(run) > 1:
                coords = " ".join(f"{x_at(i):.1f},{y_at(points[i].value):.1f}" for i in run)
                body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
        for i, point in enumerate(points):
            if point.value is not None:
                body.append(f'<circle cx="{x_at(i):.1f}" cy="{y_at(point.value):.1f}" r="4" fill="{colour}">'
                            f"<title>{escape(name)}, {escape(x_labels[i])}: {escape(point.text)}</title></circle>")
        body.append("</g>")
    return _svg(width, height, title, desc, body, "line-chart")


def _runs(points: Sequence[Value]) -> list[list[int]]:
    """Indexes of consecutive present points."""
    runs, current = [], []
    for i, point in enumerate(points):
        if point.value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    return runs + ([current] if current else [])


def _legend(names: Sequence[str], x: float, y: float, width: float | None = None, *,
            swatch: bool = False) -> tuple[list[str], int]:
    """Line style (or, for bars, a colour swatch) and name per series, on as many rows as `width` needs; returns
    the markup and the number of rows."""
    body, cursor, rows = [], x + 4, 1
    for index, name in enumerate(names):
        entry = 40 + _text_width(name, 12)
        if width is not None and cursor > x + 4 and cursor + entry - 12 > width:
            cursor, y, rows = x + 4, y + LEGEND_ROW_H, rows + 1
        colour, dash = SERIES_COLOURS[index % 4], SERIES_DASHES[index % 4]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if swatch:
            body.append(f'<rect x="{cursor:.1f}" y="{y - 11}" width="22" height="12" fill="{colour}"/>')
        else:
            body.append(f'<line x1="{cursor:.1f}" y1="{y - 4}" x2="{cursor + 22:.1f}" y2="{y - 4}" '
                        f'stroke="{colour}" stroke-width="4"{dashes}/>')
        body.append(_text(cursor + 28, y, name, size=12))
        cursor += entry
    return body, rows


def _text_width(text: str, size: int) -> float:
    """About how wide a text draws: Hangul and other wide characters take a full em, the rest a little over half."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.58 for char in text)


def _clip(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


@dataclass(frozen=True)
class MapShape:
    slug: str
    short: str
    element: str          # "rect" or "path"
    attributes: dict      # the geometry attributes only
    label_x: float
    label_y: float


@lru_cache(maxsize=4)
def map_shapes(path: Path = MAP_SVG) -> tuple[tuple[MapShape, ...], str]:
    """The regions' shapes (in the file's order) and the viewBox, read from the map SVG once."""
    root = ET.parse(path).getroot()
    shapes = []
    for element in root.iter():
        slug = element.get("data-region")
        if not slug:
            continue
        tag = element.tag.rpartition("}")[2]
        if tag == "rect":
            geometry = {name: element.get(name) for name in ("x", "y", "width", "height", "rx") if element.get(name)}
            label_x = float(geometry["x"]) + float(geometry["width"]) / 2
            label_y = float(geometry["y"]) + float(geometry["height"]) / 2
        elif tag in ("path", "polygon"):
            geometry = {name: element.get(name) for name in ("d", "points") if element.get(name)}
            label_x, label_y = float(element.get("data-label-x")), float(element.get("data-label-y"))
        else:
            raise ValueError(f"{path.name}: region {slug} must be a rect, path or polygon, not {tag}")
        shapes.append(MapShape(slug, element.get("data-short") or slug, tag, geometry, label_x, label_y))
    return tuple(shapes), root.get("viewBox", "0 0 340 430")


def shade_steps(values: Sequence[float | None], steps: int = len(SHADES), *, integer: bool = False) -> list[float]:
    """Upper bounds of equal-width classes from 0 to the largest value: the legend's breaks. Counts (`integer`)
    get whole-number bounds and fewer classes when the largest count is small."""
    present = [v for v in values if v is not None]
    top = max(present) if present and max(present) > 0 else 1.0
    if integer:
        top = math.ceil(top)
        count = min(steps, top)
        return sorted({math.ceil(top * (i + 1) / count) for i in range(count)})
    return [top * (i + 1) / steps for i in range(steps)]


def shade_index(value: float | None, steps: Sequence[float]) -> int | None:
    """The shade of a value: classes map onto the darkest shades when there are fewer classes than shades."""
    if value is None:
        return None
    position = next((i for i, bound in enumerate(steps) if value <= bound + 1e-9), len(steps) - 1)
    return len(SHADES) - len(steps) + position


def region_map(title: str, values: Mapping[str, Value], names: Mapping[str, str], *, legend_title: str,
               no_data: str, value_format: Callable[[float], str] = lambda v: f"{v:,.0f}", integer: bool = True,
               desc: str = "", links: Mapping[str, str] | None = None) -> Markup:
    """The 17 regions shaded by one figure: darker is more. Hidden or missing figures are left pale and print
    their text ("<5", "—"); each region carries a <title> with its full name and figure, and may link somewhere."""
    shapes, view_box = map_shapes()
    steps = shade_steps([values[s.slug].value for s in shapes if s.slug in values], integer=integer)
    _, _, map_w, map_h = (float(part) for part in view_box.split())
    legend_x = map_w + 16
    body = []
    for shape in shapes:
        figure = values.get(shape.slug, Value(None, "—"))
        index = shade_index(figure.value, steps)
        fill = NO_DATA if index is None else SHADES[index]
        ink = "#ffffff" if index is not None and index >= DARK_FROM else INK
        geometry = " ".join(f'{name}="{escape(value)}"' for name, value in shape.attributes.items())
        name = names.get(shape.slug, shape.slug)
        region = (f'<g class="map-region" data-region="{escape(shape.slug)}" data-shade="'
                  f'{"none" if index is None else index}"><title>{escape(name)}: {escape(figure.text)}</title>'
                  f'<{shape.element} {geometry} fill="{fill}" stroke="{MUTED}" stroke-width="1"/>'
                  + _text(shape.label_x, shape.label_y - 4, shape.short, anchor="middle", size=15, fill=ink,
                          weight="700")
                  + _text(shape.label_x, shape.label_y + 16, figure.text, anchor="middle", size=13, fill=ink)
                  + "</g>")
        if links and shape.slug in links:
            region = f'<a href="{escape(links[shape.slug])}">{region}</a>'
        body.append(region)
    body.append(_text(legend_x, 20, legend_title, size=13, weight="700"))
    lower = 0.0
    for position, bound in enumerate(steps):
        y = 34 + position * 26
        shade = SHADES[len(SHADES) - len(steps) + position]
        first = lower + 1 if integer and position else lower
        label = (value_format(bound) if integer and first == bound
                 else f"{value_format(first)} – {value_format(bound)}")
        body.append(f'<rect x="{legend_x}" y="{y}" width="20" height="20" fill="{shade}" '
                    f'stroke="{MUTED}" stroke-width="1"/>')
        body.append(_text(legend_x + 28, y + 15, label, size=12))
        lower = bound
    y = 34 + len(steps) * 26
    body.append(f'<rect x="{legend_x}" y="{y}" width="20" height="20" fill="{NO_DATA}" stroke="{MUTED}" '
                f'stroke-width="1"/>')
    body.append(_text(legend_x + 28, y + 15, no_data, size=12))
    return _svg(int(map_w + 240), int(max(map_h, y + 30)), title, desc, body, "region-map", interactive=bool(links))


def flow_chart(title: str, stages: tuple[str, str], columns: tuple[Sequence[tuple[str, Value]],
               Sequence[tuple[str, Value]]], moves: Mapping[tuple[int, int], int] | None = None, *,
               desc: str = "", width: int = 620, height: int = 300) -> Markup:
    """Two stacked columns of the same people at two moments (e.g. at placement and 12 months on), drawn on one
    scale (the larger column fills the height), with bands from a category on the left to one on the right when
    `moves` gives how many went each way ((left index, right index) -> people; leave it out for suppressed
    figures, whose bands would tell hidden counts). A hidden category draws no block but keeps its text."""
    node_w, label_w, top, gap = 18, 190, 30, 6
    left_x, right_x = label_w, width - label_w - node_w
    present = [[v.value or 0 for _, v in column] for column in columns]
    scale = (height - top - 8 - gap * max(len(c) for c in columns)) / max(max(sum(c) for c in present), 1)
    body = [_text(left_x + node_w / 2, 16, stages[0], anchor="middle", size=12, weight="700"),
            _text(right_x + node_w / 2, 16, stages[1], anchor="middle", size=12, weight="700")]
    tops: list[list[float]] = [[], []]
    bottom = float(height)
    for side, (x, column) in enumerate(((left_x, columns[0]), (right_x, columns[1]))):
        y = float(top)
        for index, (label, value) in enumerate(column):
            size = (value.value or 0) * scale
            tops[side].append(y)
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)] if index < len(SERIES_COLOURS) else MUTED
            body.append(f"<g><title>{escape(stages[side])}, {escape(label)}: {escape(value.text)}</title>")
            if size:
                body.append(f'<rect x="{x}" y="{y:.1f}" width="{node_w}" height="{size:.1f}" fill="{colour}"/>')
            text_y = y + max(size, 12) / 2 + 4
            text = f"{_clip(label, 26)} {value.text}"
            if side == 0:
                body.append(_text(x - 6, text_y, text, anchor="end", size=11,
                                  fill=MUTED if value.value is None else INK))
            else:
                body.append(_text(x + node_w + 6, text_y, text, size=11, fill=MUTED if value.value is None else INK))
            body.append("</g>")
            y += max(size, 12) + gap
        bottom = max(bottom, y + 8)
    if moves:
        out_y, in_y = list(tops[0]), list(tops[1])
        for (i, j), people in sorted(moves.items()):
            thick = people * scale
            if not thick:
                continue
            y0, y1 = out_y[i], in_y[j]
            x0, x1 = left_x + node_w, right_x
            middle = (x0 + x1) / 2
            path = (f"M{x0},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1},{y1:.1f} "
                    f"L{x1},{y1 + thick:.1f} C{middle:.1f},{y1 + thick:.1f} {middle:.1f},{y0 + thick:.1f} "
                    f"{x0},{y0 + thick:.1f} Z")
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)] if i < len(SERIES_COLOURS) else MUTED
            body.append(f'<path d="{path}" fill="{colour}" fill-opacity="0.35">'
                        f"<title>{escape(columns[0][i][0])} → {escape(columns[1][j][0])}: {people}</title></path>")
            out_y[i] += thick
            in_y[j] += thick
    return _svg(width, int(bottom), title, desc, body, "flow-chart")
