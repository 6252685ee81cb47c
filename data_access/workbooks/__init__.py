"""Reading and checking workbooks: the capped reader process, package and sheet scans, columns,
cells, validation, the problem codes; writing them: the templates people fill in, and safe cells.

May use: core.
"""
