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

# A port still held (an earlier run not stopped, another program) stops the run here, saying so.
for port in "$PORT" "$SANDBOX_PORT"; do
  if ! $PY -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
    echo "Port $port is in use: an earlier 'make run' may still be running." >&2
    echo "Stop it (Ctrl-C in its terminal, or: kill \$(lsof -t -i :$port)), or choose another port:" >&2
    echo "  make run PORT=8100 SANDBOX_PORT=8101" >&2
    exit 1
  fi
done

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

# Each pid below is the process itself (env execs it), so stopping reaches it.
web="" sandbox_pid="" worker="" watchdog=""
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping..."
  # gunicorn: a quick shutdown (QUIT); Huey: an immediate one (TERM) that does not wait for a
  # sync pass to finish (the next pass resumes where this one stopped).
  [ -n "$web" ] && kill -QUIT "$web" 2>/dev/null
  [ -n "$sandbox_pid" ] && kill -QUIT "$sandbox_pid" 2>/dev/null
  [ -n "$worker" ] && kill -TERM "$worker" 2>/dev/null
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  for pid in $web $sandbox_pid $worker; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped."
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT
# Stopped with its parent too (a SIGTERM to `make` that does not reach this script).
parent=$PPID
( while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
watchdog=$!

env -u DJANGO_SETTINGS_MODULE DJANGO_SETTINGS_MODULE=sandbox.settings \
  SANDBOX_API_KEY="$LATEPOINT_API_KEY" \
  $PY -m gunicorn sandbox.wsgi:application --bind "127.0.0.1:${SANDBOX_PORT}" \
  --workers 1 --threads 8 --log-level warning --graceful-timeout 3 &
sandbox_pid=$!
env HOST="$HOST" PORT="$PORT" GUNICORN_CMD_ARGS="--graceful-timeout 5" \
  $PY -m gunicorn -c gunicorn.conf.py config.wsgi:application &
web=$!
# The background worker (one consumer: it also runs the periodic booking history sync).
env $PY manage.py run_huey --quiet &
worker=$!

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
wait -n "$web" "$sandbox_pid" "$worker"
