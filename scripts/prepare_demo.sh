#!/usr/bin/env bash
# Demo mode's data: the front office's database and demo sign-ins, and the LatePoint sandbox
# seeded with $CUSTOMERS customers. A sandbox seeded anew (another size than last time, or a new
# database) makes the front office forget what it kept of the old one (manage.py forget_sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
CUSTOMERS=${CUSTOMERS:-500}
export FRONTOFFICE_DEMO=true
export LATEPOINT_API_KEY=${LATEPOINT_API_KEY:-lp_test_frontoffice_sandbox}

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
if seeded=$(sandbox $PY -m sandbox seed --customers "$CUSTOMERS" 2>/dev/null); then
  echo "$seeded"
else
  echo "Reseeding the sandbox with $CUSTOMERS customers..."
  seeded=$(sandbox $PY -m sandbox seed --customers "$CUSTOMERS" --reset)
  echo "$seeded"
fi
if [[ $seeded != *"nothing to do"* ]]; then
  $PY manage.py forget_sandbox
fi
