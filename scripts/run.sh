#!/usr/bin/env bash
# Demo mode: seed and start the LatePoint sandbox and the front office together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8001}
CUSTOMERS=${CUSTOMERS:-500}
export FRONTOFFICE_DEMO=true
export LATEPOINT_API_KEY=${LATEPOINT_API_KEY:-lp_test_frontoffice_sandbox}
export LATEPOINT_API_URL=${LATEPOINT_API_URL:-http://127.0.0.1:${SANDBOX_PORT}/wp-json/latepoint-api/v1}

sandbox() {
  env -u DJANGO_SETTINGS_MODULE DJANGO_SETTINGS_MODULE=sandbox.settings \
    SANDBOX_API_KEY="$LATEPOINT_API_KEY" "$@"
}

echo "Preparing the front office database..."
$PY manage.py migrate --noinput -v0
$PY manage.py demo_users

echo "Preparing the LatePoint sandbox ($CUSTOMERS customers)..."
sandbox $PY -m sandbox migrate --noinput -v0
# Seeding is idempotent; a different size than last time wipes the demo data and seeds again.
if ! sandbox $PY -m sandbox seed --customers "$CUSTOMERS" 2>/dev/null; then
  echo "Reseeding the sandbox with $CUSTOMERS customers..."
  sandbox $PY -m sandbox seed --customers "$CUSTOMERS" --reset
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap cleanup INT TERM EXIT

sandbox $PY -m gunicorn sandbox.wsgi:application --bind "127.0.0.1:${SANDBOX_PORT}" \
  --workers 1 --threads 8 --log-level warning &
pids+=($!)
HOST="$HOST" PORT="$PORT" $PY -m gunicorn -c gunicorn.conf.py config.wsgi:application &
pids+=($!)
# The background worker (one consumer: it also runs the periodic booking history sync).
$PY manage.py run_huey --quiet &
pids+=($!)

sleep 1
cat <<MSG

  LatePoint Front Office:  http://${HOST}:${PORT}/
  LatePoint API sandbox:   http://127.0.0.1:${SANDBOX_PORT}/wp-json/latepoint-api/v1

  Demo sign-ins (demo mode only):
    receptionist   reception / reception-demo
    manager        manager / manager-demo
    administrator  admin / admin-demo   (also /admin/ for staff accounts)

  Press Ctrl-C to stop them all.

MSG
wait -n "${pids[@]}"
