"""/admin: accounts, audit log, backup, catalogue, meeting settings and the report tab.

May use: shell, charts, report.
"""
