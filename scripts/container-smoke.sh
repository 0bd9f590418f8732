#!/usr/bin/env bash
# Runs the Dockerfile's build and start steps without a container engine, so CI exercises each of them: a clean
# copy of the committed tree, `npm ci`, `npm run build`, `npm prune --omit=dev`, the runtime stage's files in a
# folder of their own, the gateway started there as an unprivileged user, its HEALTHCHECK until /health answers,
# then SIGTERM and a clean exit. Keep it in step with the Dockerfile, command for command.
# The image itself (base image, apt packages, Node 24) is not built here: there is no container engine in CI.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/container-smoke.XXXXXX")"
RUN_USER="node" # the base image's unprivileged user
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo "[container-smoke] $*"; }

# --- Build stage (Dockerfile: FROM ... AS build) ---
step "copying the committed tree (git archive HEAD)"
mkdir -p "$WORK/build"
git -C "$ROOT" archive HEAD | tar -x -C "$WORK/build"
cd "$WORK/build"
step "npm ci"
npm ci --no-audit --no-fund --prefer-offline
step "npm run build"
npm run build
step "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund

# --- Runtime stage (Dockerfile: the second FROM) ---
APP="$WORK/app"
mkdir -p "$APP"
cp -a package.json node_modules dist static scripts "$APP/"
[ ! -e "$APP/src" ] || { echo "the runtime folder must not hold the sources" >&2; exit 1; }
mkdir -p "$APP/data"
chmod 755 "$WORK"
if [ "$(id -u)" -eq 0 ]; then
  id -u "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
  chown "$RUN_USER:" "$APP/data"
  AS_USER=(setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --init-groups --)
else
  AS_USER=() # already unprivileged
fi
chmod 700 "$APP/data"
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

step "starting node dist/main.js as $( [ ${#AS_USER[@]} -gt 0 ] && echo "$RUN_USER" || id -un ) on port $PORT"
cd "$APP"
# The image's ENV, with HOST on the loopback here; WA_VERSION=builtin: CI has no internet to ask WhatsApp's.
env NODE_ENV=production HOST=127.0.0.1 PORT="$PORT" DATA_DIR="$APP/data" DATABASE_PATH="$APP/data/app.db" \
  WA_VERSION=builtin "${AS_USER[@]}" node dist/main.js >"$WORK/gateway.log" 2>&1 &
PID=$!

# The Dockerfile's HEALTHCHECK command, until it passes (or 90 s pass).
HEALTHCHECK='fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
deadline=$((SECONDS + 90))
until PORT="$PORT" node -e "$HEALTHCHECK"; do
  if ! kill -0 "$PID" 2>/dev/null; then
    cat "$WORK/gateway.log"; echo "the gateway exited before /health answered" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    cat "$WORK/gateway.log"; echo "/health did not answer within 90 s" >&2; exit 1
  fi
  sleep 1
done
step "/health answers"

owner="$(ps -o user= -p "$PID" | tr -d ' ')"
if [ "$(id -u)" -eq 0 ] && [ "$owner" = "root" ]; then echo "the gateway runs as root" >&2; exit 1; fi
bad="$(find "$APP/data" -mindepth 1 \( -type f ! -perm 600 -o -type d ! -perm 700 \) -print)"
if [ -n "$bad" ]; then echo "data files readable by others: $bad" >&2; exit 1; fi

step "SIGTERM"
kill -TERM "$PID"
deadline=$((SECONDS + 30))
while kill -0 "$PID" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then cat "$WORK/gateway.log"; echo "no exit 30 s after SIGTERM" >&2; exit 1; fi
  sleep 0.2
done
set +e
wait "$PID"
code=$?
set -e
PID=""
# Nest re-raises the signal once its shutdown hooks are done, so a finished shutdown ends with 143 (or 0).
if [ "$code" -ne 0 ] && [ "$code" -ne 143 ]; then
  cat "$WORK/gateway.log"; echo "the gateway exited with $code after SIGTERM" >&2; exit 1
fi
grep -q "SIGTERM received" "$WORK/gateway.log" || { cat "$WORK/gateway.log"; echo "SIGTERM was not handled" >&2; exit 1; }
# SQLite removes the WAL file when its last connection closes: the database was closed, not cut off.
if [ -e "$APP/data/app.db-wal" ]; then echo "the database was not closed cleanly (app.db-wal left)" >&2; exit 1; fi
step "clean exit after SIGTERM (code $code): the container's build and start steps pass"
