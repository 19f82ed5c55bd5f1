FROM python:3.11-slim
WORKDIR /srv/dateline
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY samples ./samples
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["sh", "-c", "dateline db upgrade && dateline load-samples && dateline serve --host 0.0.0.0 --port 8000"]
