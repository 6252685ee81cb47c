"""What leaves the app as files: exports (formula-safe), the meeting report PDF, the data pack,
chart and report workbooks, QR codes.

May use: core, workbooks, stats, publishing.
"""
