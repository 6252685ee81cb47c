"""Everything below the UI: models, store, workbooks, validation, ingest. No Streamlit here."""
