"""/country: one country against the region, and a country's published versions.

May use: shell, charts, compare, actions.
"""
