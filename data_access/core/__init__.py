"""The store and who acts in it: settings, the connection and its models, actors and accounts,
the audit log, texts in three languages and the indicator catalogue.

May use: nothing else in data_access (everything else stands on it).
"""
