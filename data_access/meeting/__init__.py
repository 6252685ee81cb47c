"""The meeting itself: working groups, rosters and contacts, joint actions and their follow-ups
(and the checks of their sheets), meeting settings, the presenter's deck and the live state.

May use: core, workbooks, stats.
"""
