#!/usr/bin/env bash
# mus serve under load: requests per second for POST /guide (one PDF made per request)
# with wrk on loopback, and the server's memory (VmRSS) as 10,000 requests go through,
# read after every round of wrk (it should stay flat).
#
# Usage: bash scripts/bench-serve.sh [target/release/mus]   (needs wrk: apt-get install wrk)
# Environment: CONNECTIONS (default 4), THREADS (default 2), TOTAL (default 10000),
# SECONDS_PER_ROUND (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
mus=${1:-target/release/mus}
connections=${CONNECTIONS:-4}
threads=${THREADS:-2}
target_total=${TOTAL:-10000}
seconds=${SECONDS_PER_ROUND:-10}
command -v wrk >/dev/null || { echo "bench-serve: needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -x "$mus" ] || cargo build --release --quiet

tmp=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

env -u SOURCE_DATE_EPOCH "$mus" serve --listen 127.0.0.1:0 >"$tmp/url" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.1; done
url=$(head -n1 "$tmp/url"); url=${url%/}
host=${url#http://}

# A browser's visit: the CSRF cookie and the form's token.
curl -s -c "$tmp/jar" "$url/guide" >"$tmp/form.html"
cookie=$(awk '$6 == "mus_csrf" { print "mus_csrf=" $7 }' "$tmp/jar")
token=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/form.html" | head -n1 | sed 's/.*value="//; s/"//')
boundary=----mus-bench-boundary
{
  for field in "csrf=$token" "role=leder-af-medarbejdere" "focus=saet-retning" \
    "name=Łukasz Øster-Ågård" "manager=Bodil Kjærgård" "unit=Dagtilbud Nord" "date=2027-01-15"; do
    printf -- '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' \
      "$boundary" "${field%%=*}" "${field#*=}"
  done
  printf -- '--%s--\r\n' "$boundary"
} >"$tmp/body"
code=$(curl -s -o "$tmp/one.pdf" -w '%{http_code}' -H "Cookie: $cookie" -H "Origin: $url" \
  -H "Content-Type: multipart/form-data; boundary=$boundary" --data-binary @"$tmp/body" "$url/guide")
[ "$code" = 200 ] || { echo "bench-serve: POST /guide answered $code" >&2; exit 1; }
echo "one guide: $(stat -c %s "$tmp/one.pdf") bytes"

cat >"$tmp/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$tmp/body", "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary=$boundary"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["Origin"] = "$url"
wrk.headers["Host"] = "$host"
LUA

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2/1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"
echo "server RSS at start: $(rss) kB"
total=0
round=0
while [ "$total" -lt "$target_total" ]; do
  round=$((round + 1))
  out=$(wrk -t "$threads" -c "$connections" -d "${seconds}s" -s "$tmp/post.lua" "$url/guide")
  n=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
  non2xx=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *//p')
  total=$((total + n))
  echo "round $round: $n requests, $rps requests/s, non-2xx: ${non2xx:-0}; total $total; server RSS $(rss) kB"
done
