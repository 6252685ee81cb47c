"""The meeting report and data pack, built from what the pages show.

May use: shell, charts, compare, country, groups, actions.
"""
