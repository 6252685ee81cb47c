"""Reading and checking workbooks: the capped reader process and its second readers, package and
sheet scans, columns, cells, validation, the problem codes; writing the templates people fill in.

May use: core.
"""
