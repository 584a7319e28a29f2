FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY registry ./registry
COPY cases ./cases
COPY ingest ./ingest
COPY manage.py ./
RUN pip install --no-cache-dir .
RUN useradd --create-home registry && chown -R registry /app
USER registry
EXPOSE 8000
CMD ["gunicorn", "registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
