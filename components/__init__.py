"""Streamlit building blocks: set-up, menu, cached loaders, tables. Pages call these."""
