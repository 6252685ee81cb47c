"""The app as served: the pages (app.py and pages/) plus the HTTP routes beside them.

`streamlit run serve.py` finds `app` and serves it with uvicorn; `make run` does that.
"""

from streamlit.starlette import App

from routes import ROUTES

app = App("app.py", routes=ROUTES)
