#!/usr/bin/env bash
# Demo mode: seed and start the LatePoint sandbox, the front office and its worker together.
# Ctrl-C (or SIGTERM, a closed terminal, make killed) stops them all.
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

# A port still held (an earlier run not stopped, another program) stops the run here, saying so.
for port in "$PORT" "$SANDBOX_PORT"; do
  if ! $PY -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
    echo "Port $port is in use: an earlier 'make run' may still be running." >&2
    echo "Stop it (Ctrl-C in its terminal, or: kill \$(lsof -t -i :$port)), or choose another port:" >&2
    echo "  make run PORT=8100 SANDBOX_PORT=8101" >&2
    exit 1
  fi
done

CUSTOMERS="$CUSTOMERS" ./scripts/prepare_demo.sh

# Each pid below is the process itself (python and env exec it), so stopping reaches it.
web="" sandbox_pid="" worker="" watchdog=""
cleanup() {
  # A second signal (Ctrl-C again, the watchdog seeing make gone) does not cut the stop short,
  # nor does a process that already stopped by itself.
  trap '' INT TERM HUP
  trap - EXIT
  echo "Stopping..."
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
  # In order: first Huey, an immediate shutdown (TERM) that does not wait for a sync pass to
  # finish (the next pass resumes where this one stopped), so that no call of its is still on
  # its way to the sandbox; then both gunicorns, a quick shutdown (QUIT).
  [ -n "$worker" ] && kill -TERM "$worker" 2>/dev/null || true
  [ -n "$worker" ] && { wait "$worker" 2>/dev/null || true; }
  [ -n "$web" ] && kill -QUIT "$web" 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill -QUIT "$sandbox_pid" 2>/dev/null || true
  for pid in $web $sandbox_pid; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped."
}
trap 'cleanup; exit 0' INT TERM HUP
trap cleanup EXIT
# Stopped with its parent too (`make` killed outright): this script is then handed to another
# parent at once, even while the old one is not yet reaped (and so still answers `kill -0`).
parent=$PPID
parent_alive() {
  local ppid
  if [ -r "/proc/$$/stat" ]; then
    read -r _ _ _ ppid _ <"/proc/$$/stat" && [ "$ppid" = "$parent" ]
  else
    kill -0 "$parent" 2>/dev/null
  fi
}
( while parent_alive; do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
watchdog=$!

# Each in a process group of its own, so that Ctrl-C reaches only make and this script, which
# then stops them in order: a sandbox stopped while the worker's call to it is on its way would
# hold its gunicorn worker until killed ("was sent SIGKILL!"). `own_group` execs the command.
own_group=(-c 'import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])')
$PY "${own_group[@]}" env -u DJANGO_SETTINGS_MODULE DJANGO_SETTINGS_MODULE=sandbox.settings \
  SANDBOX_API_KEY="$LATEPOINT_API_KEY" \
  $PY -m gunicorn sandbox.wsgi:application --bind "127.0.0.1:${SANDBOX_PORT}" \
  --workers 1 --threads 8 --log-level warning --graceful-timeout 5 &
sandbox_pid=$!
$PY "${own_group[@]}" env HOST="$HOST" PORT="$PORT" GUNICORN_CMD_ARGS="--graceful-timeout 5" \
  $PY -m gunicorn -c gunicorn.conf.py config.wsgi:application &
web=$!
# The background worker (one consumer: it also runs the periodic booking history sync).
$PY "${own_group[@]}" env HUEY_LOG_LEVEL="${HUEY_LOG_LEVEL:-WARNING}" \
  $PY manage.py run_huey &
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
