"""Chart builders and their panel: the data cuts, the theme, the chart kinds, and one chart as
people get it (caption, chart, table, sources, downloads).

May use: shell.
"""
