#!/usr/bin/env bash
# `scripts/apt_install.sh PACKAGE...`: installs Debian packages for `make` (Chromium, Node.js,
# PostgreSQL, Redis) as root or with sudo. While another apt-get, dpkg or unattended upgrade
# holds Debian's package lock, it says so and waits, up to APT_LOCK_TIMEOUT seconds (120), then
# stops with a message rather than a bare apt error. Packages already installed are not upgraded.
set -uo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 PACKAGE..." >&2
  exit 2
fi
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-120}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
LOCKED="Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock"

# One apt-get command. A command refused because the lock is held changed nothing, so it is
# asked again, every 2 s, until the lock is free or the time is up.
apt_get() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) said="" errors holder
  errors=$(mktemp)
  while true; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -qq "$@" >/dev/null 2>"$errors"; then
      rm -f "$errors"
      return 0
    fi
    if ! grep -Eq "$LOCKED" "$errors"; then
      cat "$errors" >&2
      rm -f "$errors"
      return 1
    fi
    holder=$(grep -Eo "held by process [0-9]+ \([^)]*\)" "$errors" | head -n 1)
    if ((SECONDS > deadline)); then
      echo "make: Debian's package lock is still held${holder:+ ($holder)} after" \
        "${APT_LOCK_TIMEOUT} s: nothing was installed." >&2
      echo "  Let that install or upgrade finish, then run make again" \
        "(APT_LOCK_TIMEOUT=600 make ... waits longer)." >&2
      rm -f "$errors"
      return 1
    fi
    if [ -z "$said" ]; then
      echo "Another package manager holds Debian's package lock${holder:+ ($holder)}:" \
        "waiting up to ${APT_LOCK_TIMEOUT} s for it to finish..."
      said=1
    fi
    sleep 2
  done
}

echo "Installing $* from Debian's packages..."
apt_get update && apt_get install -y --no-upgrade "$@"
