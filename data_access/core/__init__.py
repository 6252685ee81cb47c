"""The store and who acts in it: settings, the connection and its models, actors and accounts,
the audit log, texts in three languages, the indicator catalogue, and writing spreadsheet cells
safely (every template and export).

May use: nothing else in data_access (everything else stands on it).
"""
