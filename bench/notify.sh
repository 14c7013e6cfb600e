#!/usr/bin/env bash
# Sends NOTICES personalised notices (default 20,000) to a local mailpit with
# "leakdesk notify send", beside a plain SMTP client that sends the very same
# messages with no bookkeeping (bench/smtpbaseline, over the same number of
# connections), in one run. Prints messages per second, CPU, peak memory and
# the CPU that each client and the server spend per notice, and checks that
# mailpit received every message.
#
#   bench/notify.sh
#   NOTICES=5000 CONNECTIONS=2 bench/notify.sh
#   LEAKDESK_DB=postgres://... bench/notify.sh   # the store on PostgreSQL
#   PIN_SERVER=1 bench/notify.sh                 # mailpit on a core of its own
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
# With PIN_SERVER=1, mailpit runs on the last core and the clients on the
# others, as if the server were another machine: they no longer compete for
# CPU, and the comparison is of the clients alone.
SERVER_CPUS=() CLIENT_CPUS=()
if [ "${PIN_SERVER:-}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	SERVER_CPUS=(taskset -c "$(($(nproc) - 1))") CLIENT_CPUS=(taskset -c "0-$(($(nproc) - 2))")
fi
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

# One incident whose findings hold NOTICES affected contacts: the leak is
# the registry itself. It is made twice: in the store under test, and in a
# SQLite store whose campaign writes the baseline's messages to an outbox.
"$DIR/leakdesk" sample --contacts-csv "$DIR/registry.csv" --rows "$NOTICES" >/dev/null
setup() { # DATA_DIR [env...]
	local data=$1
	shift
	LD() { env "$@" "$DIR/leakdesk" --data "$data" "${ARGS[@]}"; }
	ARGS=(incident new --title "bench" --aware-at now --country FR --regime gdpr) && LD "$@" >/dev/null
	ARGS=(match --registry "$DIR/registry.csv" --incident 1 "$DIR/registry.csv") && LD "$@" >/dev/null
	for kv in "circumstances|A list of customer contacts was posted on a forum." "consequences|Phishing." "measures|Access closed." "dpo|dpo@acme.example"; do
		ARGS=(incident fact 1 "${kv%%|*}" "${kv#*|}") && LD "$@" >/dev/null
	done
}
setup "$DIR/data" LEAKDESK_DB="${LEAKDESK_DB:-}"
setup "$DIR/data-outbox" LEAKDESK_DB=
LEAKDESK_DB= "$DIR/leakdesk" --data "$DIR/data-outbox" notify send 1 --campaign first --from "Acme <dpo@acme.example>" --outbox "$DIR/eml" >/dev/null

printf '%s notices, %s connections, a fresh mailpit for each run, %s cores%s; store: %s\n\n' "$NOTICES" "$CONNECTIONS" "$(nproc)" \
	"${SERVER_CPUS:+, mailpit alone on core $(($(nproc) - 1))}" "${LEAKDESK_DB:-SQLite}"
printf '%-44s %8s %10s %8s %9s %9s %13s\n' tool wall_s notices/s cpu_s peak_MB received mailpit_cpu_s
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
	CPU=$(echo "$user + $sys" | bc) SERVER_CPU=$(echo "$(server_cpu) - $before" | bc)
	awk -v n="$name" -v w="$wall" -v c="$CPU" -v m="$rss" -v k="$NOTICES" -v r="$(received)" -v sc="$SERVER_CPU" \
		'BEGIN{printf "%-44s %8.2f %10.0f %8.2f %9.0f %9s %13.2f\n", n, w, k/w, c, m/1024, r, sc}'
}
fresh_mailpit
run "plain SMTP client, no bookkeeping" "${CLIENT_CPUS[@]}" "$DIR/smtpbaseline" -addr "$SMTP" -conns "$CONNECTIONS" "$DIR/eml"
BASE=$(awk '{print $1}' "$DIR/time.out") BASE_CPU=$CPU BASE_SERVER_CPU=$SERVER_CPU
fresh_mailpit
run "leakdesk notify send (whole command)" "${CLIENT_CPUS[@]}" env ${LEAKDESK_CPUPROFILE:+LEAKDESK_CPUPROFILE=$LEAKDESK_CPUPROFILE} "$DIR/leakdesk" --data "$DIR/data" notify send 1 --campaign first \
	--from "Acme <dpo@acme.example>" --smtp "smtp://$SMTP?tls=none" --connections "$CONNECTIONS" --format json
SEND=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$DIR/out")
WHOLE=$(awk '{print $1}' "$DIR/time.out")
echo
awk -v b="$BASE" -v w="$WHOLE" -v s="$SEND" -v k="$NOTICES" 'BEGIN{
	printf "leakdesk: %.0f notices/s over the whole command (%.0f%% of the baseline),\n", k/w, 100*b/w
	printf "          %.0f notices/s from the first queued job to the last outcome (%.0f%% of the baseline).\n", k/s, 100*b/s }'
# Sender and server share the machine's cores, so each CPU-millisecond the
# sender spends on a notice is one the server does not have.
awk -v k="$NOTICES" -v bc="$BASE_CPU" -v bs="$BASE_SERVER_CPU" -v lc="$CPU" -v ls="$SERVER_CPU" 'BEGIN{
	printf "CPU per notice: plain client %.2f ms + mailpit %.2f ms; leakdesk %.2f ms + mailpit %.2f ms.\n", 1000*bc/k, 1000*bs/k, 1000*lc/k, 1000*ls/k }'
