# OpenIOP: two commands for a newcomer.
#   make demo   set up everything, migrate SQLite, seed a synthetic program, serve it
#   make test   set up everything and run the whole suite
# Both work on a fresh Debian 12 machine with a Python >= 3.12 somewhere (bin/bootstrap finds it).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.openiop-synced
DEMO_ENV := OPENIOP_ENV=demo SECRET_KEY="$$(cat var/demo-secret-key)" DATABASE_URL=sqlite:///$(CURDIR)/var/demo.sqlite3
PYTEST_ARGS ?=

.PHONY: demo demo-audit-verify test setup lint typecheck check clean bench-outcomes bench-schedule bench-agenda

$(STAMP): pyproject.toml uv.lock bin/bootstrap
	@bin/bootstrap
	@touch $@

setup: $(STAMP)

var/demo-secret-key:
	@mkdir -p var
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

demo: $(STAMP) var/demo-secret-key
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(DEMO_ENV) $(PY) manage.py seed_demo --seed 7 --if-empty
	@echo
	@echo "OpenIOP demo: http://127.0.0.1:8000/  (Ctrl-C to stop)"
	@# The task worker runs plans in the background (Plan next week); it stops with gunicorn.
	@$(DEMO_ENV) $(PY) manage.py db_worker --interval 1 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(VENV)/bin/gunicorn config.wsgi:application --bind 127.0.0.1:8000 --workers 2 --access-logfile - --logger-class config.access_log.TokenMaskingLogger --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(L)ss'

demo-audit-verify: $(STAMP) var/demo-secret-key
	@$(DEMO_ENV) $(VENV)/bin/openiop audit verify

test: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then :; else echo "note: /usr/bin/chromium is missing; browser tests will fail (apt-get install chromium libatomic1, as .ci/run does)"; fi
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy engines openiop config tests bench

check: lint typecheck
	$(VENV)/bin/lint-imports
	OPENIOP_ENV=test $(PY) manage.py makemigrations --check --dry-run
	OPENIOP_ENV=production SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DATABASE_URL=sqlite:////tmp/openiop-deploy-check.sqlite3 ALLOWED_HOSTS=openiop.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

# A million synthetic responses in a throwaway PostgreSQL database (dropped afterwards), then
# the outcomes report timed; writes bench/results/outcomes.{json,md}.
bench-outcomes: $(STAMP)
	$(PY) -m bench.outcomes --database-url postgres://postgres@127.0.0.1:5432/openiop_bench

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache

# The scheduling solver on fixed seeds of small, medium and large (60 s per solve, 8
# workers); writes bench/results/schedule.{json,md}. About 15 minutes on 2 cores.
bench-schedule: $(STAMP)
	$(PY) -m bench.schedule

# The care-team meeting's agenda for a 200-patient program on SQLite and (when a server
# answers) a throwaway PostgreSQL database, 5 timed runs; writes bench/results/agenda.{json,md}.
# About two minutes.
bench-agenda: $(STAMP)
	$(PY) -m bench.agenda --postgres-url postgres://postgres@127.0.0.1:5432/openiop_bench_agenda
