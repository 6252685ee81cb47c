"""HTTP routes served beside the pages through st.App (streamlit.starlette.App).

Layer: routes, a sibling of pages/: each module answers plain HTTP and calls data_access only,
never components or streamlit's script API.
"""

from starlette.middleware import Middleware

from routes.auth import auth_routes
from routes.health import health_routes
from routes.live import live_routes
from routes.metrics import metrics_routes
from routes.open_data import open_data_routes
from routes.reference import reference_routes
from routes.unknown_pages import UnknownPageRedirect

ROUTES = [
    *live_routes(),
    *reference_routes(),
    *health_routes(),
    *auth_routes(),
    *open_data_routes(),
    *metrics_routes(),
]
MIDDLEWARE = [Middleware(UnknownPageRedirect, routes=ROUTES)]

__all__ = ["MIDDLEWARE", "ROUTES"]
