#!/usr/bin/env bash
# Sends NOTICES personalised notices (default 20,000) to a local mailpit with
# "leakdesk notify send", beside a plain SMTP client that sends the very same
# messages with no bookkeeping (bench/smtpbaseline, over the same number of
# connections), in one run. Prints messages per second, CPU, peak memory and
# the CPU that each client and the server spend per notice, and checks that
# mailpit received every message.
#
# It does so in two layouts: "shared", where mailpit and the client share
# every core, and "pinned", where mailpit runs alone on the last core and the
# client on the others, as if the server were another machine. On a small
# machine the shared layout makes the comparison a contest for CPU with the
# server; the pinned one compares the clients against the server's own
# throughput.
#
#   bench/notify.sh
#   NOTICES=5000 CONNECTIONS=2 bench/notify.sh
#   LAYOUTS=pinned bench/notify.sh               # one layout only
#   LEAKDESK_DB=postgres://... bench/notify.sh   # the store on a fresh PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."

NOTICES=${NOTICES:-20000}
CONNECTIONS=${CONNECTIONS:-4}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-notify}
rm -rf "$DIR" && mkdir -p "$DIR"
MAILPIT=${LEAKDESK_MAILPIT:-$(go env GOPATH)/bin/mailpit}
[ -x "$MAILPIT" ] || go install github.com/axllent/mailpit@v1.33.1

go build -o "$DIR/leakdesk" ./cmd/leakdesk
go build -o "$DIR/smtpbaseline" ./bench/smtpbaseline
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MAILPIT_PID=
stop_mailpit() { [ -z "$MAILPIT_PID" ] || { kill "$MAILPIT_PID" 2>/dev/null; wait "$MAILPIT_PID" 2>/dev/null || true; }; }
trap stop_mailpit EXIT
LAYOUTS=${LAYOUTS:-shared pinned}
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null || LAYOUTS=shared
SERVER_CPUS=() CLIENT_CPUS=()
layout() { # shared | pinned
	SERVER_CPUS=() CLIENT_CPUS=()
	if [ "$1" = pinned ]; then
		SERVER_CPUS=(taskset -c "$(($(nproc) - 1))") CLIENT_CPUS=(taskset -c "0-$(($(nproc) - 2))")
	fi
}
# Each run gets a mailpit of its own with an empty database, so that neither
# run starts on the other's messages.
fresh_mailpit() {
	stop_mailpit
	rm -f "$DIR"/mailpit.db*
	SMTP=127.0.0.1:$(free_port) API=127.0.0.1:$(free_port)
	"${SERVER_CPUS[@]}" "$MAILPIT" --smtp "$SMTP" --listen "$API" --database "$DIR/mailpit.db" --max 0 --smtp-disable-rdns --disable-version-check --quiet >/dev/null 2>&1 &
	MAILPIT_PID=$!
	until curl -sf "http://$API/livez" >/dev/null; do sleep 0.1; done
}
received() { curl -s "http://$API/api/v1/messages?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

# An incident per layout whose findings hold NOTICES affected contacts: the
# leak is the registry itself. They are made in the store under test, and
# one more in a SQLite store whose campaign writes the baseline's messages
# to an outbox.
"$DIR/leakdesk" sample --contacts-csv "$DIR/registry.csv" --rows "$NOTICES" >/dev/null
setup() { # DATA_DIR INCIDENT [env...]
	local data=$1 id=$2
	shift 2
	LD() { env "$@" "$DIR/leakdesk" --data "$data" "${ARGS[@]}"; }
	ARGS=(incident new --title "bench" --aware-at now --country FR --regime gdpr) && LD "$@" >/dev/null
	ARGS=(match --registry "$DIR/registry.csv" --incident "$id" "$DIR/registry.csv") && LD "$@" >/dev/null
	for kv in "circumstances|A list of customer contacts was posted on a forum." "consequences|Phishing." "measures|Access closed." "dpo|dpo@acme.example"; do
		ARGS=(incident fact "$id" "${kv%%|*}" "${kv#*|}") && LD "$@" >/dev/null
	done
}
id=0
for _ in $LAYOUTS; do
	id=$((id + 1))
	setup "$DIR/data" "$id" LEAKDESK_DB="${LEAKDESK_DB:-}"
done
setup "$DIR/data-outbox" 1 LEAKDESK_DB=
LEAKDESK_DB= "$DIR/leakdesk" --data "$DIR/data-outbox" notify send 1 --campaign first --from "Acme <dpo@acme.example>" --outbox "$DIR/eml" >/dev/null

printf '%s notices, %s connections, a fresh mailpit for each run, %s cores; store: %s\n' "$NOTICES" "$CONNECTIONS" "$(nproc)" "${LEAKDESK_DB:-SQLite}"
# mailpit's own CPU time, in seconds, from /proc: the server's share of the
# two cores is what a sender leaves it.
server_cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$MAILPIT_PID/stat"; }
run() {
	local name=$1
	shift
	local before
	before=$(server_cpu)
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$@" >"$DIR/out" 2>"$DIR/err" || { cat "$DIR/err" >&2; exit 1; }
	read -r wall user sys rss <"$DIR/time.out"
	WALL=$wall CPU=$(echo "$user + $sys" | bc) SERVER_CPU=$(echo "$(server_cpu) - $before" | bc)
	awk -v n="$name" -v w="$wall" -v c="$CPU" -v m="$rss" -v k="$NOTICES" -v r="$(received)" -v sc="$SERVER_CPU" \
		'BEGIN{printf "%-44s %8.2f %10.0f %8.2f %9.0f %9s %13.2f\n", n, w, k/w, c, m/1024, r, sc}'
}
compare() { # LAYOUT INCIDENT
	layout "$1"
	echo
	if [ "$1" = pinned ]; then
		echo "pinned: mailpit alone on core $(($(nproc) - 1)), each client on the other cores"
	else
		echo "shared: mailpit and each client on all $(nproc) cores"
	fi
	printf '%-44s %8s %10s %8s %9s %9s %13s\n' tool wall_s notices/s cpu_s peak_MB received mailpit_cpu_s
	fresh_mailpit
	run "plain SMTP client, no bookkeeping" "${CLIENT_CPUS[@]}" "$DIR/smtpbaseline" -addr "$SMTP" -conns "$CONNECTIONS" "$DIR/eml"
	local base=$WALL base_cpu=$CPU base_server_cpu=$SERVER_CPU
	fresh_mailpit
	run "leakdesk notify send (whole command)" "${CLIENT_CPUS[@]}" env ${LEAKDESK_CPUPROFILE:+LEAKDESK_CPUPROFILE=$LEAKDESK_CPUPROFILE.$1} \
		"$DIR/leakdesk" --data "$DIR/data" notify send "$2" --campaign first \
		--from "Acme <dpo@acme.example>" --smtp "smtp://$SMTP?tls=none" --connections "$CONNECTIONS" --format json
	local send
	send=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$DIR/out")
	awk -v b="$base" -v w="$WALL" -v s="$send" -v k="$NOTICES" 'BEGIN{
		printf "leakdesk: %.0f notices/s over the whole command (%.0f%% of the baseline),\n", k/w, 100*b/w
		printf "          %.0f notices/s from the first queued job to the last outcome (%.0f%% of the baseline).\n", k/s, 100*b/s }'
	awk -v k="$NOTICES" -v bc="$base_cpu" -v bs="$base_server_cpu" -v lc="$CPU" -v ls="$SERVER_CPU" 'BEGIN{
		printf "CPU per notice: plain client %.2f ms + mailpit %.2f ms; leakdesk %.2f ms + mailpit %.2f ms.\n", 1000*bc/k, 1000*bs/k, 1000*lc/k, 1000*ls/k }'
}
id=0
for l in $LAYOUTS; do
	id=$((id + 1))
	compare "$l" "$id"
done
