"""Chart builders of the joint-actions page: the timeline of due dates with today marked.

Layer: components. build_* functions return Altair charts and never call Streamlit.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from components.charts.theme import EDGE_PADDING, LABEL_LIMIT, SOFT_BREAK, two_lines, wrapped_labels
from data_access.core.i18n import t
from data_access.workbooks.columns import ACTION_STATUSES

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
STATUS_COLORS = {
    "proposed": "#E69F00",
    "agreed": "#56B4E9",
    "in_progress": "#0072B2",
    "done": "#009E73",
    "dropped": "#CC79A7",
}
TODAY_COLOR = "#D55E00"
ROW_HEIGHT = 36  # room for a label on two lines
AXIS_AND_LEGEND = 170  # Streamlit fits axes and the legend inside the chart's height


def to_timeline_frame(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per action with a due date: label, date, status label, lead and completion labels."""
    dated = actions[actions["due_date"].notna()]
    return pd.DataFrame(
        {
            "code": dated["code"].astype(str),
            "label": [
                two_lines(f"{c} · {title}", 32)
                for c, title in zip(dated["code"], dated["title"], strict=True)
            ],
            "due_date": pd.to_datetime(dated["due_date"]),
            "status": [t(f"status.{s}", lang) for s in dated["status"]],
            "completion": [t(f"completion.{c}", lang) for c in dated["completion"]],
        }
    ).sort_values("due_date")


def build_timeline_chart(timeline: pd.DataFrame, today: date, lang: str) -> alt.LayerChart:
    """Points on due dates, one row per action, coloured by status, and a rule for today."""
    labels = [t(f"status.{s}", lang) for s in ACTION_STATUSES]
    legend = alt.Legend(orient="bottom", direction="vertical", columns=1)  # one column: fits 390 px
    title = t("actions.col_status", lang)
    colour = alt.Color(
        "status:N",
        title=title,
        scale=alt.Scale(domain=labels, range=[STATUS_COLORS[s] for s in ACTION_STATUSES]),
        legend=legend,
    )
    order = list(timeline["label"])
    points = (
        alt.Chart(timeline)
        .mark_point(filled=True, size=140, opacity=1)
        .encode(
            # one tick a month, labels kept inside the chart and thinned where they would touch
            x=alt.X(
                "due_date:T",
                title=t("actions.col_due", lang),
                axis=alt.Axis(format="%Y-%m", tickCount="month", labelOverlap="greedy", labelFlush=True),
            ),
            y=alt.Y(
                "label:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT, labelExpr=wrapped_labels(SOFT_BREAK)),
            ),
            color=colour,
            shape=alt.Shape("status:N", title=title, scale=alt.Scale(domain=labels), legend=legend),
            tooltip=[
                alt.Tooltip("label:N", title=t("actions.chart_action", lang)),
                alt.Tooltip("due_date:T", title=t("actions.col_due", lang), format="%Y-%m-%d"),
                alt.Tooltip("status:N", title=t("actions.col_status", lang)),
                alt.Tooltip("completion:N", title=t("actions.col_completion", lang)),
            ],
        )
    )
    marker = pd.DataFrame({"today": [pd.Timestamp(today)], "text": [t("actions.today", lang)]})
    rule = (
        alt.Chart(marker).mark_rule(color=TODAY_COLOR, strokeDash=[6, 4], size=2).encode(x=alt.X("today:T"))
    )
    text = (
        alt.Chart(marker)
        .mark_text(color=TODAY_COLOR, align="left", baseline="top", dx=4, dy=2, fontWeight="bold")
        .encode(x=alt.X("today:T"), y=alt.YValue(0), text=alt.Text("text:N"))
    )
    height = ROW_HEIGHT * max(len(timeline), 3) + AXIS_AND_LEGEND
    return alt.layer(points, rule, text).properties(height=height, padding=dict(EDGE_PADDING))
