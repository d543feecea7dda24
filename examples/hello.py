"""The smallest tinyweb app: Flask's minimal application, with ``flask`` renamed.

Run it with ``python -m tinyweb run examples.hello:app`` and open
http://127.0.0.1:8000/ (``make run`` serves the blog example).
"""

from tinyweb import App

app = App(__name__)


@app.route("/")
def hello_world():
    return "<p>Hello, World!</p>"
