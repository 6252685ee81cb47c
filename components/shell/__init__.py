"""What every page stands on: the set-up call, the menu, log-in, the engine and cached loaders,
the failure message, live refresh, and the shared editor pieces.

May use: data_access only.
"""
