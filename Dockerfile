FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY registry ./registry
COPY cases ./cases
COPY ingest ./ingest
COPY vocab ./vocab
COPY manage.py ./
RUN pip install --no-cache-dir .
RUN useradd --create-home registry && chown -R registry /app
USER registry
EXPOSE 8000
# Workers, timeouts and index preloading: registry/gunicorn.conf.py (README, "Running at scale").
ENV WEB_CONCURRENCY=2 GUNICORN_TIMEOUT=60
CMD ["gunicorn", "-c", "registry/gunicorn.conf.py", "registry.wsgi:application"]
