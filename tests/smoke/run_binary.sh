#!/usr/bin/env bash
# Smoke test of the real binary, run as a user would: --version, config check
# on a bad and on the shipped config, then serve on an ephemeral port, read the
# "listening on" line, GET /healthz and stop it with SIGTERM.
#
# Usage: run_binary.sh PATH_TO_AIGEN
set -euo pipefail

bin=${1:?usage: run_binary.sh PATH_TO_AIGEN}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/aigen-smoke.XXXXXX")
server_pid=""

cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -s $work/server.log ]]; then sed 's/^/  server: /' "$work/server.log" >&2; fi
  exit 1
}

# The binary under a clean environment: no inherited config, key or state dir.
clean_env=(env -u AIGEN_CONFIG -u OPENAI_API_KEY -u OPENAI_BASE_URL -u STATE_DIRECTORY)

# Runs the binary (at most 10 s); sets $out (stdout and stderr) and $rc.
run() {
  rc=0
  out=$(timeout 10 "${clean_env[@]}" "$bin" "$@" 2>&1) || rc=$?
}

# GET http://127.0.0.1:$port$1; sets $status and writes the body to $work/body.
http_get() {
  if command -v curl >/dev/null; then
    status=$(curl -sS --max-time 5 -o "$work/body" -w '%{http_code}' \
      "http://127.0.0.1:$port$1") || status=000
    return
  fi
  # No curl: plain HTTP/1.1 over bash's /dev/tcp.
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  timeout 5 cat <&3 >"$work/raw" || true
  exec 3>&-
  status=$(head -n1 "$work/raw" | awk '{print $2}')
  sed '1,/^\r$/d' "$work/raw" >"$work/body"
}

echo "== --version"
version=$(sed -n 's/^project(aigen VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
run --version
[[ $rc -eq 0 ]] || fail "--version exited $rc: $out"
[[ $out == "aigen $version" ]] || fail "--version printed '$out', expected 'aigen $version'"

echo "== --help"
run --help
[[ $rc -eq 0 && $out == *serve* && $out == *config* ]] || fail "--help ($rc): $out"

echo "== config check on a bad file"
printf '[[backends]]\nname = "x"\ntype = "demo"\nconcurrency = 0\n' >"$work/bad.toml"
run config check --config "$work/bad.toml"
[[ $rc -eq 1 ]] || fail "config check on a bad file exited $rc, expected 1: $out"
[[ $out == *"bad.toml:4: backends[0].concurrency:"* ]] ||
  fail "config check did not name the key and line: $out"

echo "== config check on systemd/aigen.toml"
run config check --config "$root/systemd/aigen.toml"
[[ $rc -eq 0 && $out == *": OK" ]] || fail "config check on systemd/aigen.toml ($rc): $out"

echo "== serve with a bad --listen"
run serve --listen 127.0.0.1:99999 --data-dir "$work/unused"
[[ $rc -eq 2 && $out == *listen* ]] || fail "serve --listen 127.0.0.1:99999 exited $rc: $out"

echo "== serve"
data_dir="$work/data"
mkdir -p "$data_dir"
# A simple command, so that $! is the server itself (env execs it).
"${clean_env[@]}" "$bin" serve --listen 127.0.0.1:0 --data-dir "$data_dir" \
  >"$work/server.out" 2>"$work/server.log" &
server_pid=$!

port=""
for ((i = 0; i < 100; i++)); do  # up to 10 s
  line=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]\+' "$work/server.log" | head -n1 || true)
  if [[ -n $line ]]; then
    port=${line##*:}
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
done
[[ -n $port && $port -gt 0 ]] || fail "no 'listening on http://127.0.0.1:PORT' line within 10 s"
echo "   listening on port $port"

http_get /healthz
[[ $status == 200 ]] || fail "GET /healthz answered $status"
grep -q ok "$work/body" || fail "GET /healthz body lacks \"ok\": $(head -c 200 "$work/body")"

echo "== SIGTERM"
kill -TERM "$server_pid"
# A watchdog, not a synchronisation: it kills the server if it hangs on exit.
(sleep 5 && kill -KILL "$server_pid") >/dev/null 2>&1 &
watchdog=$!
rc=0
wait "$server_pid" || rc=$?
server_pid=""
kill "$watchdog" 2>/dev/null || true
wait "$watchdog" 2>/dev/null || true
[[ $rc -ne 137 ]] || fail "the server still ran 5 s after SIGTERM (killed)"
[[ $rc -eq 0 ]] || fail "the server exited $rc after SIGTERM, expected 0"

echo "PASS"
