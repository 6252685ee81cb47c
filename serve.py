"""The app as served: the pages (app.py and pages/) plus the HTTP routes beside them.

`streamlit run serve.py` finds `app` and serves it with uvicorn; `make run` does that.
"""

import resource

from streamlit.starlette import App

from components.shell.failure import on_script_error
from routes import MIDDLEWARE, ROUTES

# Each open tab holds about four file descriptors (its websocket and its session's event loop);
# the common soft limit of 1024 would turn delegates away past about 250 tabs.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _soft != resource.RLIM_INFINITY and (_hard == resource.RLIM_INFINITY or _soft < _hard):
    resource.setrlimit(resource.RLIMIT_NOFILE, (_hard if _hard != resource.RLIM_INFINITY else 65536, _hard))

app = App("app.py", routes=ROUTES, middleware=MIDDLEWARE, on_script_error=on_script_error)
