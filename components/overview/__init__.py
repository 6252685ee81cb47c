"""The overview: who has published and headline regional figures.

May use: shell, charts, compare.
"""
