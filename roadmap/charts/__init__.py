"""Server-drawn SVG charts: no JavaScript, so pages and WeasyPrint PDFs share them.

- ``text``: labels measured with Sarabun's glyph advances and wrapped at Thai word
  boundaries (``text_width``, ``wrap``);
- ``svg``: the document, text and multi-line labels every chart is drawn with;
- ``plan``: progress by step and the timeline of activities;
- ``register``: the obstacle heat map;
- ``health``: the health check's trend;
- ``trend``: reports' late/missing/health chart (figures and words passed in).

The names below are what pages, reports and PDFs use (``reports`` looks the roadmap
charts up by name here).
"""

from __future__ import annotations

from .health import health_trend_svg
from .plan import (
    Dated,
    StepRow,
    plan_read,
    step_progress,
    step_progress_svg,
    timeline_svg,
    timeline_svgs,
)
from .register import obstacle_heatmap_svg
from .text import text_width, wrap
from .trend import period_trend_svg

__all__ = [
    "Dated",
    "StepRow",
    "health_trend_svg",
    "obstacle_heatmap_svg",
    "period_trend_svg",
    "plan_read",
    "step_progress",
    "step_progress_svg",
    "text_width",
    "timeline_svg",
    "timeline_svgs",
    "wrap",
]
