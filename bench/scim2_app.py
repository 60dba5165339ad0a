"""WSGI application of the peer server: scim2-server with its in-memory storage.

gunicorn loads it as ``scim2_app:app``. It serves the RFC 7643 default schemas
under /v2 and accepts every request without authentication, as the
``scim2-server`` command does when started without ``--bearer-token``. Run it in
one gunicorn worker: each worker process would hold its own separate storage.
"""

from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.memory import InMemoryStorage
from scim2_server.utils import load_default_provider

app = WSGIApplication(InMemoryStorage(), load_default_provider())
