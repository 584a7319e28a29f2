import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
# Only the web process bounds each SQL statement (WEB_STATEMENT_TIMEOUT_MS in settings): workers,
# migrations and management commands may run long statements on purpose.
os.environ.setdefault("REGISTRY_WEB_PROCESS", "1")
application = get_wsgi_application()
