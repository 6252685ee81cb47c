"""The statistics and their words: comparisons and their tables, views from a URL, captions,
and the read queries the pages share.

May use: core.
"""
