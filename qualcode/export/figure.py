"""Network figures as PNG images for the Word report (drawn with Pillow, no browser).

Nodes sit on a circle ordered by community (so no node or label hides another), sized by
their codings and coloured by community; edges are drawn with a width that grows with
their weight. An analyst's link between themes (``linked`` edges) is drawn in purple.
"""

from __future__ import annotations

import io
import math

import networkx as nx
from PIL import Image, ImageDraw, ImageFont

PALETTE = ["#4C78A8", "#F58518", "#E45756", "#72B7B2", "#54A24B", "#EECA3B", "#B279A2",
           "#FF9DA6", "#9D755D", "#BAB0AC"]
LINK_COLOUR = "#7B3FA0"
EDGE_COLOUR = "#A0A0A0"


def _colour(data: dict, index: int) -> str:
    if isinstance(data.get("colour"), str) and str(data["colour"]).startswith("#"):
        return str(data["colour"])
    community = data.get("community")
    return PALETTE[int(community) % len(PALETTE)] if community is not None else \
        PALETTE[index % len(PALETTE)]


def network_png(graph: nx.Graph, *, title: str = "", width: int = 1800, height: int = 1300) -> bytes:
    """Draw a code or theme network and return PNG bytes.

    Node attributes used: ``name`` (label, else the node id), ``codings`` (size),
    ``community`` or ``colour``. Edge attributes: ``weight`` (width), ``linked``.
    """
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=21)
    small = ImageFont.load_default(size=18)
    top = 80 if title else 30
    if title:
        draw.text((30, 20), title, fill="#222222", font=ImageFont.load_default(size=30))
    if graph.number_of_nodes() == 0:
        draw.text((30, top + 20), "No codings yet: nothing to draw.", fill="#444444", font=font)
        return _png(image)
    # A circle ordered by community keeps every node and label apart, however dense the
    # network; links inside a community stay short, links across it cross the middle.
    order = sorted(graph.nodes(data=True),
                   key=lambda item: (item[1].get("community", 0) or 0,
                                     str(item[1].get("name") or item[0])))
    centre_x, centre_y = width / 2, top + (height - top - 70) / 2
    longest = max(font.getlength(str(d.get("name") or n)) for n, d in graph.nodes(data=True))
    radius_x = max(width / 6, width / 2 - longest - 70)
    radius_y = (height - top - 70) / 2 - 40
    places: dict[object, tuple[float, float]] = {}
    for i, (node, _data) in enumerate(order):
        angle = 2 * math.pi * (i + 0.5) / len(order) - math.pi / 2
        places[node] = (centre_x + radius_x * math.cos(angle),
                        centre_y + radius_y * math.sin(angle))

    def place(node: object) -> tuple[float, float]:
        return places[node]

    weights = [float(d.get("weight", 1) or 1) for _u, _v, d in graph.edges(data=True)]
    heaviest = max(weights, default=1.0) or 1.0
    for u, v, data in graph.edges(data=True):
        w = float(data.get("weight", 1) or 1)
        line = max(1, round(1 + 9 * w / heaviest))
        draw.line([place(u), place(v)], fill=LINK_COLOUR if data.get("linked") else EDGE_COLOUR,
                  width=line)
    sizes = [float(d.get("codings", 1) or 1) for _n, d in graph.nodes(data=True)]
    biggest = max(sizes, default=1.0) or 1.0
    for index, (node, data) in enumerate(graph.nodes(data=True)):
        x, y = place(node)
        radius = 8 + 26 * math.sqrt(float(data.get("codings", 1) or 1) / biggest)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius],
                     fill=_colour(data, index), outline="white", width=2)
        label = str(data.get("name") or node)
        if x < width / 2 - 1:
            draw.text((x - radius - 6, y), label, fill="#222222", font=font, anchor="rm")
        else:
            draw.text((x + radius + 6, y), label, fill="#222222", font=font, anchor="lm")
    legend = ("Circle size: codings. Line width: co-occurrence (segments coded with both). "
              "Purple lines: the analyst's links.")
    draw.text((30, height - 50), legend, fill="#444444", font=small)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
