"""/actions: the table, one action in detail, the organizers' editor and the timeline.

May use: shell, charts.
"""
