"""Running the store: backups and restores, and the command-line tasks behind manage.py.

May use: core, workbooks, stats, meeting, publishing, reports (every other folder).
"""
