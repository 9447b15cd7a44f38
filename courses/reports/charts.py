"""Server-side SVG charts: no script, no CDN, legible on paper.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>``, writes every
value as text beside its bar or point, and tells series apart by pattern, dash and
marker shape as well as by colour, so it survives a black-and-white printer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

WIDTH = 720
LABEL_WIDTH = 230
BAR_HEIGHT = 16
GAP = 10
COLOURS = ("#1f4e79", "#8a5a00")
_ids = itertools.count(1)


def _frame(
    title: str, description: str, height: int, body: SafeString, uid: int
) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" '
        'aria-labelledby="chart-{id}-title chart-{id}-desc" '
        'font-family="sans-serif" font-size="12">'
        '<title id="chart-{id}-title">{title}</title>'
        '<desc id="chart-{id}-desc">{desc}</desc>'
        "<defs>"
        '<pattern id="chart-{id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fff"/>'
        '<rect width="3" height="6" fill="{c2}"/></pattern>'
        "</defs>{body}</svg>",
        w=WIDTH,
        h=height,
        id=uid,
        title=title,
        desc=description,
        c2=COLOURS[1],
        body=body,
    )


def _fill(series: int, uid: int) -> str:
    # The second series is hatched so that it differs in grey print too.
    return COLOURS[0] if series == 0 else f"url(#chart-{uid}-hatch)"


def _legend(names: Sequence[str], uid: int, y: int, line: bool = False) -> SafeString:
    items = []
    x = LABEL_WIDTH if not line else 50
    for index, name in enumerate(names):
        if line:
            swatch = format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" '
                'stroke-width="2" stroke-dasharray="{dash}"/>{marker}',
                x1=x,
                x2=x + 24,
                y=y - 4,
                c=COLOURS[index],
                dash="none" if index == 0 else "6 3",
                marker=_marker(index, x + 12, y - 4),
            )
        else:
            swatch = format_html(
                '<rect x="{x}" y="{y}" width="16" height="12" fill="{fill}" '
                'stroke="{c}"/>',
                x=x,
                y=y - 10,
                fill=_fill(index, uid),
                c=COLOURS[index],
            )
        items.append(
            format_html(
                '{swatch}<text x="{x}" y="{y}">{name}</text>',
                swatch=swatch,
                x=x + 30,
                y=y,
                name=name,
            )
        )
        x += 30 + 8 * len(name) + 30
    return mark_safe("".join(items))


def bar_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """Horizontal bars, one group per category and one bar per series, each bar
    labelled with its value."""
    uid = next(_ids)
    top = 30 if len(series) > 1 else 10
    group = len(series) * BAR_HEIGHT + GAP
    height = top + group * max(len(categories), 1) + 10
    peak = max((v for _name, values in series for v in values), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    parts = [_legend([name for name, _v in series], uid, 18)] if len(series) > 1 else []
    for row, category in enumerate(categories):
        y = top + row * group
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end"><title>{full}</title>'
                "{short}</text>",
                x=LABEL_WIDTH - 8,
                y=y + len(series) * BAR_HEIGHT / 2 + 4,
                full=category,
                short=Truncator(category).chars(34),
            )
        )
        for index, (name, values) in enumerate(series):
            value = values[row]
            width = round(span * value / peak, 1)
            by = y + index * BAR_HEIGHT
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
                    'stroke="{c}"><title>{name}: {value}</title></rect>'
                    '<text x="{tx}" y="{ty}">{value}</text>',
                    x=LABEL_WIDTH,
                    y=by,
                    w=width,
                    h=BAR_HEIGHT - 2,
                    fill=_fill(index, uid),
                    c=COLOURS[index],
                    name=name,
                    value=value,
                    tx=LABEL_WIDTH + width + 6,
                    ty=by + BAR_HEIGHT - 5,
                )
            )
    parts.append(
        format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#333"/>',
            x=LABEL_WIDTH,
            y1=top - 4,
            y2=height - 8,
        )
    )
    return _frame(title, description, height, mark_safe("".join(parts)), uid)


def _marker(series: int, x: float, y: float) -> SafeString:
    if series == 0:
        return format_html(
            '<circle cx="{x}" cy="{y}" r="3.5" fill="{c}"/>', x=x, y=y, c=COLOURS[0]
        )
    return format_html(
        '<rect x="{x}" y="{y}" width="7" height="7" fill="#fff" stroke="{c}" '
        'stroke-width="2"/>',
        x=x - 3.5,
        y=y - 3.5,
        c=COLOURS[1],
    )


def line_chart(
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """Lines over time, solid with circles and dashed with squares, each point's
    value written above it when there is room."""
    uid = next(_ids)
    left, top, plot_height = 50, 40, 220
    height = top + plot_height + 40
    count = max(len(x_labels), 1)
    step = (WIDTH - left - 20) / max(count - 1, 1)
    peak = max((v for _name, values in series for v in values), default=0) or 1
    label_every = max(1, -(-count // 12))
    parts = [_legend([name for name, _v in series], uid, 18, line=True)]

    def point(i: int, value: int) -> tuple[float, float]:
        return (
            round(left + i * step, 1),
            round(top + plot_height - plot_height * value / peak, 1),
        )

    for tick in (0, peak / 2, peak):
        y = top + plot_height - plot_height * tick / peak
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#ccc"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end">{label}</text>',
                x1=left,
                x2=WIDTH - 20,
                y=round(y, 1),
                tx=left - 6,
                ty=round(y + 4, 1),
                label=f"{tick:g}",
            )
        )
    for i, label in enumerate(x_labels):
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                    x=point(i, 0)[0],
                    y=top + plot_height + 18,
                    label=label,
                )
            )
    for index, (name, values) in enumerate(series):
        points = [point(i, v) for i, v in enumerate(values)]
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{c}" stroke-width="2" '
                'stroke-dasharray="{dash}" points="{points}"><title>{name}</title>'
                "</polyline>",
                c=COLOURS[index],
                dash="none" if index == 0 else "6 3",
                points=" ".join(f"{x},{y}" for x, y in points),
                name=name,
            )
        )
        parts.append(
            format_html_join(
                "",
                "{}",
                ((_marker(index, x, y),) for x, y in points),
            )
        )
        if count <= 24:
            parts.append(
                format_html_join(
                    "",
                    '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                    (
                        (x, y - 8 if index == 0 else y + 16, value)
                        for (x, y), value in zip(points, values, strict=True)
                    ),
                )
            )
    return _frame(title, description, height, mark_safe("".join(parts)), uid)
