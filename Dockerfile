# One image for the web server, the Celery worker and Celery beat; the command
# chooses the role (see docker-compose.yml). Production settings come from the
# environment at run time: DJANGO_ENV=production, DJANGO_SECRET_KEY,
# DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.12 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

# WeasyPrint (the PDF reports) needs Pango, HarfBuzz's subsetter and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# uv from PyPI (the binary is inside the wheel), the version that wrote uv.lock.
RUN pip install "uv==0.13.9"

WORKDIR /app

# Dependencies first, so that a change to the code alone reuses this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python python3.12

ENV VIRTUAL_ENV=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

COPY . .

# Static files are collected with the production storage (whitenoise's compressed
# manifest), so production settings must import here: throwaway values for this
# step only. Nothing connects to PostgreSQL or Redis during collectstatic.
RUN DJANGO_ENV=production \
    DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build:build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput

# The code and the collected static files stay owned by root: the app cannot
# change them. Celery beat keeps its schedule in /tmp.
RUN groupadd --system --gid 10001 ulvo \
    && useradd --system --uid 10001 --gid ulvo --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin ulvo
USER ulvo:ulvo

EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY; override it per host.
# No control socket: gunicorn would put it under $HOME, which this user lacks.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "ulvo.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--no-control-socket"]
