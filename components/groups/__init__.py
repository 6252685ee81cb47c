"""/working_groups: loaders, filters and group cards.

May use: shell.
"""
