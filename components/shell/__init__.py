"""What every page stands on: the set-up call, the menu (and how it behaves on phones), log-in,
the engine and cached loaders, the failure message, live refresh, sharing a view (link and QR
code), and the shared editor pieces.

May use: data_access only.
"""
