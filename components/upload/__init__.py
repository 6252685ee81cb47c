"""/upload: the file and its check, how to publish, and the problem report.

May use: shell, country.
"""
