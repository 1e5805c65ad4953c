#!/usr/bin/env bash
# Benchmarks a Release aigen binary against Debian's nginx serving the same
# web/static, with wrk on loopback. Builds nothing. See bench/README.md.
#
#   bench/run.sh [path/to/aigen]        (or AIGEN_BIN=...; default ./build/aigen)
#
# Environment: DURATION (10s), THREADS (2), CONNECTIONS (50), NGINX
# (/usr/sbin/nginx), STATIC_DIR (<repo>/web/static), RESULTS_FILE
# (bench/RESULTS.md), ONLY (aigen|nginx|seed: run one server only).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$script_dir")

aigen_bin=${1:-${AIGEN_BIN:-./build/aigen}}
nginx_bin=${NGINX:-/usr/sbin/nginx}
static_dir=${STATIC_DIR:-$repo_dir/web/static}
results_file=${RESULTS_FILE:-$script_dir/RESULTS.md}
duration=${DURATION:-10s}
threads=${THREADS:-2}
connections=${CONNECTIONS:-50}
only=${ONLY:-}
startup_timeout=15  # seconds to wait for either server to come up

die() {
  echo "bench: $*" >&2
  exit 1
}

case "$only" in
  "" | aigen | nginx | seed) ;;
  *) die "ONLY must be aigen, nginx or seed, not '$only'" ;;
esac
want() { [[ -z "$only" || "$only" == "$1" ]]; }

for tool in wrk curl python3 awk; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install wrk curl python3)"
done
if want aigen; then
  [[ -x "$aigen_bin" ]] || die "no aigen binary at '$aigen_bin' (pass a path or set AIGEN_BIN)"
  aigen_bin=$(cd "$(dirname "$aigen_bin")" && pwd)/$(basename "$aigen_bin")
fi
if want nginx; then
  [[ -x "$nginx_bin" ]] || die "no nginx at '$nginx_bin' (apt-get install nginx-light)"
  [[ -d "$static_dir" ]] || die "no static directory '$static_dir'"
  static_dir=$(cd "$static_dir" && pwd)
  [[ -f "$static_dir/index.html" ]] ||
    echo "bench: warning: $static_dir/index.html is missing; nginx will answer 404" >&2
fi

seed_dir="$(cd "$(dirname "$0")" && pwd)/seed-node"
if want seed; then
  command -v node >/dev/null || die "node not found (the seed's server is Node/Express)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aigen-bench.XXXXXX")
aigen_pid=""
nginx_pid=""
seed_pid=""
drain_pid=""

# Always stops both servers and removes the temp dir, however the script ends.
cleanup() {
  local pid
  for pid in "$aigen_pid" "$nginx_pid" "$seed_pid"; do
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "$aigen_pid" "$nginx_pid" "$seed_pid" "$drain_pid"; do
    if [[ -n "$pid" ]]; then wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_us() { echo "${EPOCHREALTIME/./}"; }  # bash 5: no fork, microseconds

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# --- aigen -------------------------------------------------------------------

startup_ms=""
idle_rss_kb=""
aigen_url=""

# Starts aigen on 127.0.0.1:0 in a temp data dir and reads the port from its
# "listening on http://127.0.0.1:PORT" line on stderr. The line is read
# through a FIFO as it is written, so the start-up time has no polling error.
start_aigen() {
  local conf="$tmp/aigen.toml" fifo="$tmp/aigen.fifo" log="$tmp/aigen.log"
  mkdir -p "$tmp/aigen-data"
  cat >"$conf" <<EOF
listen = ["127.0.0.1:0"]
data_dir = "$tmp/aigen-data"
log_level = "info"
EOF
  mkfifo "$fifo"
  local t0
  t0=$(now_us)
  # cd and STATE_DIRECTORY keep the data in $tmp even if the config changes.
  (cd "$tmp" && STATE_DIRECTORY="$tmp/aigen-data" exec "$aigen_bin" serve --config "$conf" \
    </dev/null >>"$log" 2>"$fifo") &
  aigen_pid=$!
  exec 3<"$fifo"

  local line port="" rc deadline=$((SECONDS + startup_timeout))
  while ((SECONDS < deadline)); do
    rc=0
    IFS= read -r -t 1 line <&3 || rc=$?
    ((rc > 128)) && continue  # read timed out: keep waiting
    ((rc == 0)) || break      # EOF: aigen exited
    printf '%s\n' "$line" >>"$log"
    if [[ "$line" =~ listening\ on\ http://127\.0\.0\.1:([0-9]+) ]]; then
      port=${BASH_REMATCH[1]}
      break
    fi
  done
  local t1
  t1=$(now_us)
  if [[ -z "$port" ]]; then
    exec 3<&-
    if kill -0 "$aigen_pid" 2>/dev/null; then
      echo "bench: aigen did not print 'listening on' within ${startup_timeout}s; its output:" >&2
    else
      echo "bench: aigen exited before listening; its output:" >&2
    fi
    cat "$log" >&2
    exit 1
  fi
  # Keep draining stderr (request logs) so aigen never blocks on a full pipe.
  cat <&3 >>"$log" &
  drain_pid=$!
  exec 3<&-
  startup_ms=$(((t1 - t0) / 1000))
  aigen_url="http://127.0.0.1:$port"
  idle_rss_kb=$(proc_status_kb "$aigen_pid" VmRSS)
}

# A field of /proc/PID/status in kB ("VmRSS", "VmHWM").
proc_status_kb() {
  awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"
}

# --- nginx -------------------------------------------------------------------

nginx_url=""

start_nginx() {
  local dir="$tmp/nginx" port conf user_line="" temp_paths="" m
  mkdir -p "$dir"
  port=$(free_port)
  conf="$dir/nginx.conf"
  # As root, the workers would drop to "nobody"; keep them as this user.
  ((EUID == 0)) && user_line="user $(id -un) $(id -gn);"
  # Modules that a smaller nginx build leaves out would reject their directives.
  for m in fastcgi uwsgi scgi; do
    "$nginx_bin" -V 2>&1 | grep -q -- "--without-http_${m}_module" ||
      temp_paths+="  ${m}_temp_path $dir/${m}_temp;"$'\n'
  done
  cat >"$conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
$user_line
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nodelay on;
  gzip on;
  gzip_types text/css application/javascript application/json image/svg+xml;
  client_body_temp_path $dir/client_body_temp;
  proxy_temp_path $dir/proxy_temp;
$temp_paths  server {
    listen 127.0.0.1:$port;
    root $static_dir;
    index index.html;
  }
}
EOF
  local check
  check=$("$nginx_bin" -t -q -p "$dir" -e "$dir/error.log" -c "$conf" 2>&1) ||
    die "nginx rejected $conf: $check"
  "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$conf" </dev/null >"$dir/stdout.log" 2>&1 &
  nginx_pid=$!
  nginx_url="http://127.0.0.1:$port"
  local deadline=$((SECONDS + startup_timeout))
  until curl -s -o /dev/null "$nginx_url/"; do
    kill -0 "$nginx_pid" 2>/dev/null || die "nginx exited: $(cat "$dir/error.log")"
    ((SECONDS < deadline)) || die "nginx did not answer within ${startup_timeout}s"
    sleep 0.05
  done
}

# The original project's Express server (its JSON health route), installed
# from the npm registry on first use.
start_seed() {
  local dir=$seed_dir
  if [[ ! -d "$dir/node_modules" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
      die "npm ci in $dir failed"
  fi
  node "$dir/server.js" >"$tmp/seed.log" 2>&1 &
  seed_pid=$!
  local deadline=$((SECONDS + startup_timeout))
  until seed_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/seed.log" 2>/dev/null); do
    kill -0 "$seed_pid" 2>/dev/null || die "the seed server exited: $(cat "$tmp/seed.log")"
    ((SECONDS < deadline)) || die "the seed server did not start within ${startup_timeout}s"
    sleep 0.05
  done
}

# --- measuring ---------------------------------------------------------------

rows=()

# wrk prints latencies as 850.00us, 1.23ms or 1.02s; the table wants ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0
    else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

# wrk's duration ("10s", "2m", "1h", "30") in seconds.
seconds_of() {
  local n=${1%[smh]}
  case "$1" in
    *m) echo $((n * 60)) ;;
    *h) echo $((n * 3600)) ;;
    *) echo "$n" ;;
  esac
}

# bench NAME URL [gzip]: one probe with curl (status, encoding, size), then
# one bounded wrk run; appends a table row.
bench() {
  local name=$1 url=$2 gzip=${3:-} hdr=() enc="identity" probe status size out
  if [[ -n "$gzip" ]]; then
    hdr=(--header "Accept-Encoding: gzip")
    enc="gzip"
  fi
  probe=$(curl -s -o /dev/null -D "$tmp/headers" -w '%{http_code} %{size_download}' \
    "${hdr[@]}" "$url") || probe="000 0"
  read -r status size <<<"$probe"
  local got_enc
  got_enc=$(awk -F': *' 'tolower($1) == "content-encoding" { gsub(/\r/, "", $2); print $2 }' \
    "$tmp/headers" 2>/dev/null)
  [[ -n "$gzip" && "$got_enc" != "gzip" ]] && enc="gzip asked, ${got_enc:-none} sent"

  echo "bench: $name $url ($enc) for $duration ..." >&2
  local wrk_timeout=$(($(seconds_of "$duration") + 30))
  out=$(timeout "$wrk_timeout" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
    "${hdr[@]}" "$url" 2>&1) || true
  printf '%s\n' "$out" >>"$tmp/wrk.log"
  local rps p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  errors=$(awk -F'errors: ' '/Socket errors:/ { print $2 }' <<<"$out")
  [[ -n "$rps" ]] || { echo "$out" >&2; rps="failed"; }
  local p99_ms="n/a"
  [[ -n "$p99" ]] && p99_ms=$(to_ms "$p99")
  rows+=("| $name | \`/${url#http://*/}\` | $enc | $status | $size | $rps | $p99_ms | ${non2xx:-0} | ${errors:-none} |")
}

if want aigen; then
  start_aigen
  echo "bench: aigen up at $aigen_url in ${startup_ms} ms" >&2
fi
if want nginx; then
  start_nginx
  echo "bench: nginx up at $nginx_url" >&2
fi
if want seed; then
  start_seed
  echo "bench: seed (Node/Express) up at $seed_url" >&2
fi

if want aigen; then
  bench aigen "$aigen_url/"
  bench aigen "$aigen_url/" gzip
fi
if want nginx; then
  bench nginx "$nginx_url/index.html"
  bench nginx "$nginx_url/index.html" gzip
fi
if want aigen; then
  bench aigen "$aigen_url/healthz"
  peak_rss_kb=$(proc_status_kb "$aigen_pid" VmHWM)
fi
if want seed; then
  bench "seed (Express)" "$seed_url/"
fi

# --- report ------------------------------------------------------------------

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
machine="$(nproc) cores, ${cpu:-unknown CPU}, Linux $(uname -r)"
versions="wrk $(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)"
if want nginx; then
  versions+=", $("$nginx_bin" -v 2>&1 | awk '{ print $NF }')"
fi
if want seed; then
  versions+=", node $(node --version), express $(node -p "require('$seed_dir/node_modules/express/package.json').version")"
fi
if want aigen; then
  aigen_version=$(timeout 5 "$aigen_bin" --version 2>/dev/null | head -n 1 || true)
  [[ "$aigen_version" == aigen* ]] || aigen_version="aigen ${aigen_version:-(no --version)}"
  versions+=", $aigen_version"
fi

report() {
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — $machine"
  echo
  echo "wrk -t$threads -c$connections -d$duration --latency on loopback; $versions."
  echo
  echo "| server | path | encoding | status | body bytes | req/s | p99 ms | non-2xx/3xx | socket errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  if want aigen; then
    echo
    echo "aigen: start-up ${startup_ms} ms (exec to \"listening on\"), RSS idle $(mb "$idle_rss_kb"), peak $(mb "$peak_rss_kb")."
  fi
  echo
}

report | tee -a "$results_file"
echo "bench: appended to $results_file" >&2
