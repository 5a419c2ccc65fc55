#!/usr/bin/env bash
# Server CPU a request, by kind of request, with nothing else running: one signed-in client, one kept-alive HTTPS
# connection, N requests of each kind, the server's CPU time read from /proc before and after each batch.
#
#   bench/request-cost.sh DATA_FOLDER [N] [EMAIL]
#
# It first warms the server up for WARMUP_SECONDS (45 by default) over all the requests it then measures.
#
# DATA_FOLDER is the folder of an earlier `alliance prove load` run (copy it first: the reads are audited, so the
# folder grows). Needs the Release build of the web app (dotnet build -c Release src/Alliance.Web), curl and openssl.
set -euo pipefail
data=${1:?give the data folder of an earlier load run}
n=${2:-200}
email=${3:-tobias@harbourlight.example}
root=$(cd "$(dirname "$0")/.." && pwd)
server="$root/src/Alliance.Web/bin/Release/net10.0/Alliance.Web"
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
base="https://127.0.0.1:$port"
jar="$work/cookies"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 -subj "/CN=127.0.0.1" 2>/dev/null
openssl pkcs12 -export -out "$work/cert.pfx" -inkey "$work/key.pem" -in "$work/cert.pem" -passout pass:request-cost
Kestrel__Certificates__Default__Password=request-cost ASPNETCORE_ENVIRONMENT=Production \
  "$server" --environment Production --demo --data "$data" --keys "$data/keys" --urls "$base" \
  --Kestrel:Certificates:Default:Path "$work/cert.pfx" --Logging:LogLevel:Default Warning > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "$base/health" || true)" = 200 ] && break
  sleep 1
done

token=$(curl -sk -c "$jar" -b "$jar" "$base/account/sign-in" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -sk -c "$jar" -b "$jar" -o /dev/null --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=harbourlight-demo" \
  --data-urlencode "__RequestVerificationToken=$token" "$base/account/sign-in"

cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# The cookie jar is written back after every batch: the sign-in cookie is renewed when its security stamp is checked
# (every Security:StampCheckSeconds), and a client that kept sending the old one would pay that check at every request.
measure() {
  local urls=()
  for _ in $(seq 1 "$n"); do urls+=(-o /dev/null "$base$1"); done
  local before after codes
  before=$(cpu)
  codes=$(curl -sk -b "$jar" -c "$jar" -w '%{http_code} ' "${urls[@]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')
  after=$(cpu)
  # /proc counts CPU in hundredths of a second.
  printf '%-60s %6.2f ms CPU a request (status %s)\n' "$1" "$(echo "($after - $before) * 10 / $n" | bc -l)" "$codes"
}

home=$(curl -sk -b "$jar" -c "$jar" "$base/")
cases=$(echo "$home" | grep -o 'href="/cases/[0-9a-f-]*"' | sort -u | sed 's/href="\/cases\///;s/"//')
paths=(/health / /api/caseload /api/notifications)
for c in $cases; do paths+=("/cases/$c" "/api/cases/$c" "/api/cases/$c/alerts"); done

# Warm up first: the runtime compiles hot code again, optimised, over the first half minute or so of serving, and a
# request measured before that costs two to three times as much (a case page 10 to 12 ms instead of 3 to 5).
warm=()
for p in "${paths[@]}"; do for _ in $(seq 1 20); do warm+=(-o /dev/null "$base$p"); done; done
end=$((SECONDS + ${WARMUP_SECONDS:-45}))
while [ $SECONDS -lt $end ]; do curl -sk -b "$jar" -c "$jar" "${warm[@]}"; done

for p in "${paths[@]}"; do measure "$p"; done
