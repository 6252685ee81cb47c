"""HTTP routes served beside the pages through st.App (streamlit.starlette.App).

Layer: routes, a sibling of pages/: each module answers plain HTTP and calls data_access only,
never components or streamlit's script API.
"""

from routes.live import live_routes
from routes.reference import reference_routes

ROUTES = [*live_routes(), *reference_routes()]

__all__ = ["ROUTES"]
