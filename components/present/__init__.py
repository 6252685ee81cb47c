"""/present: the deck, the projector's slide and the followers' slide.

May use: shell, charts, groups, actions, report.
"""
