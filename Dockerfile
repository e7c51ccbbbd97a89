# One image for web, worker, beat and the migrate job (see docker-compose.yml).
# What `COPY . .` may bring in is decided by .dockerignore: an allowlist, so .env, var/
# (database, mail, the PDF signing key) and .venv never reach the image.
FROM python:3.11-slim-bookworm

# DEBUG is off in the image; nothing below turns it on. Static files are collected
# outside /app/var, the data volume: a volume mounted there would otherwise keep
# serving the first image's static files after every upgrade.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH \
    DEBUG=false STATIC_ROOT=/app/staticfiles
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    libthai0 libmagic1 gettext \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-default-groups --no-cache
# WeasyPrint's layout, cascade and drawing, and its HTML and CSS parsers, compiled with
# Cython as `make install` does (the workers' PDFs render 32-40 % faster; the same bytes). gcc,
# Cython and setuptools come and go within this one step, so no layer keeps them;
# --require fails the build rather than ship a pure-Python WeasyPrint unnoticed.
# Our patches of WeasyPrint (core/pdf) are compiled in the same step, into their own
# folder of site-packages (core/pdf/compiled_patches.py): the whole of core/pdf is
# copied for them, and `COPY . .` below brings the same files again.
COPY scripts/compile_weasyprint.py scripts/
COPY core/__init__.py core/
COPY core/pdf/ core/pdf/
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && uv sync --frozen --no-default-groups --group compile --no-cache \
 && python scripts/compile_weasyprint.py --require \
 && uv sync --frozen --no-default-groups --no-cache \
 && apt-get purge -y --auto-remove gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# Settings refuse to load without a real-looking SECRET_KEY when DEBUG is off; this one
# exists only for these two build commands and is never in the runtime environment.
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-000 \
    sh -c 'python manage.py compilemessages --ignore=.venv -v0 \
        && python manage.py collectstatic --noinput -v0'

# The code and static files stay root-owned and read-only to the app; it may write only
# to /app/var (the volume: media, the signing key, beat's schedule).
RUN useradd --create-home --uid 10001 khruakhai \
 && mkdir -p /app/var \
 && chown khruakhai /app/var
USER khruakhai
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
