"""Publishing a country's figures: the import path, the plan of a publish, the transaction,
versions and rollbacks, the diff, the import report and the catalogue editor.

May use: core, workbooks, meeting.
"""
