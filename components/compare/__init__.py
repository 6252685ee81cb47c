"""/compare: filters bound to the URL, chart bundles and the views.

May use: shell, charts.
"""
