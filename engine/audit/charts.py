"""Inline SVG charts for the report (no script, no external asset): stacked shares and plain bars."""

from __future__ import annotations

from html import escape

ROW, LABEL_W, BAR_W, PAD = 30, 210, 420, 8


def _num(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def stacked_shares(rows: list[tuple[str, dict[str, float]]], parts: list[tuple[str, str, str]], title: str) -> str:
    """One horizontal 100 % bar per row; the first part's share is written at the right."""
    height = ROW * len(rows) + 40
    width = LABEL_W + BAR_W + 150
    out = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="13">']
    for i, (label, values) in enumerate(rows):
        y = i * ROW + PAD
        total = sum(values.get(k, 0) for k, _, _ in parts)
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        x = LABEL_W
        for k, name, color in parts:
            v = values.get(k, 0)
            w = BAR_W * v / total if total else 0
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{color}">'
                           f'<title>{escape(name)} : {_num(v)}</title></rect>')
            x += w
        if total:
            share = 100 * values.get(parts[0][0], 0) / total
            out.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 15}">{share:.0f} % '
                       f'<tspan fill="#555">(n = {_num(total)})</tspan></text>')
        else:
            out.append(f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="20" fill="#eee"/>'
                       f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 15}" fill="#555">aucun</text>')
    ly = len(rows) * ROW + PAD + 14
    x = LABEL_W
    for _k, name, color in parts:
        out.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{color}"/>'
                   f'<text x="{x + 16}" y="{ly}">{escape(name)}</text>')
        x += 16 + 7.2 * len(name) + 20
    out.append("</svg>")
    return "".join(out)


def bars(rows: list[tuple[str, float]], unit: str, title: str, color: str = "#b8481c") -> str:
    """Horizontal bars, longest first, value written after each bar."""
    top = max((v for _, v in rows), default=0) or 1
    height = ROW * len(rows) + PAD
    width = LABEL_W + 120 + BAR_W
    out = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width + 40} {height}" width="100%" '
           f'style="max-width:{width + 40}px" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="13">']
    for i, (label, v) in enumerate(rows):
        y = i * ROW + PAD
        short = label if len(label) <= 30 else label[:29] + "…"
        w = max(1.0, (BAR_W - 20) * v / top)
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>'
                   f'{escape(short)}</text><rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="20" fill="{color}"/>'
                   f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}">{_num(v)} {escape(unit)}</text>')
    out.append("</svg>")
    return "".join(out)
