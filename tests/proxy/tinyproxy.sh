#!/usr/bin/env bash
# Behind a real proxy (tinyproxy, from Debian's packages) with a private CA, given only the
# variables a user already has (HTTPS_PROXY, SSL_CERT_FILE), the `load` example works against
# the emulator served over HTTPS; tinyproxy's log shows the CONNECT tunnels, reused (far fewer
# than the calls); with NO_PROXY the same run bypasses the proxy (no new line in its log).
#
#   tests/proxy/tinyproxy.sh            # debug build (what .ci/run runs)
#   tests/proxy/tinyproxy.sh --release  # the issue's "done when" command
#
# Installs tinyproxy with apt-get when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

profile=()
if [[ "${1:-}" == "--release" ]]; then profile=(--release); fi

if ! command -v tinyproxy >/dev/null 2>&1; then
    echo "tinyproxy is missing: installing it with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tinyproxy >/dev/null
fi

work=$(mktemp -d)
emulator_pid=""
proxy_pid=""
cleanup() {
    [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null || true
    [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null || true
    if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A free loopback port: one nothing answers on.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    return 1
}

key="mt_tinyproxy_test_key"

# A private CA and a certificate for localhost, made by rcgen (no openssl needed).
cargo run -q -p mutagent-test-support --example make_pki -- "$work/pki" localhost 127.0.0.1 >/dev/null

# The emulator over HTTPS with that certificate.
cargo build -q "${profile[@]}" -p mutagent-emulator
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
build=debug
if [[ ${#profile[@]} -gt 0 ]]; then build=release; fi
emulator_port=$(free_port)
"$target_dir/$build/mutagent-emulator" --listen "127.0.0.1:$emulator_port" --api-key "$key" --quiet \
    --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key" >"$work/emulator.out" 2>&1 &
emulator_pid=$!

# tinyproxy in the foreground of a background job, logging every request to $1. It buffers
# its log, so a log is read only after that tinyproxy has been stopped.
proxy_port=$(free_port)
chmod 755 "$work"
start_proxy() {
    local log=$1
    cat >"$work/tinyproxy.conf" <<CONF
Port $proxy_port
Listen 127.0.0.1
Timeout 60
LogFile "$log"
LogLevel Info
MaxClients 100
Allow 127.0.0.1
CONF
    touch "$log"
    if [[ $(id -u) -eq 0 ]]; then
        # As root tinyproxy drops to this user, which must be able to write the log.
        printf 'User nobody\nGroup nogroup\n' >>"$work/tinyproxy.conf"
        chown nobody "$log"
    fi
    tinyproxy -d -c "$work/tinyproxy.conf" >>"$work/tinyproxy.out" 2>&1 &
    proxy_pid=$!
    for _ in $(seq 1 100); do
        # (This probe shows in the log as a client that closed its socket before a request.)
        if (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null; then return; fi
        sleep 0.1
    done
    cat "$work/tinyproxy.out"; echo "tinyproxy did not start"; exit 1
}
stop_proxy() {
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=""
}

# Wait for the emulator to listen.
for _ in $(seq 1 100); do
    if grep -q "listening on https://" "$work/emulator.out" 2>/dev/null; then break; fi
    sleep 0.1
done
grep -q "listening on https://" "$work/emulator.out" || { cat "$work/emulator.out"; echo "the emulator did not start"; exit 1; }

url="https://localhost:$emulator_port"
tunnels() { grep -c "CONNECT localhost:$emulator_port" "$1" || true; }

echo "=== through tinyproxy: HTTPS_PROXY=http://127.0.0.1:$proxy_port SSL_CERT_FILE=<private CA>"
start_proxy "$work/through.log"
env -u NO_PROXY -u no_proxy -u ALL_PROXY -u all_proxy -u HTTP_PROXY -u http_proxy \
    HTTPS_PROXY="http://127.0.0.1:$proxy_port" SSL_CERT_FILE="$work/pki/ca.pem" MUTAGENT_API_KEY="$key" \
    cargo run -q "${profile[@]}" -p mutagent --example load -- \
    --server-url "$url" --concurrency 4 --seconds 2 | tee "$work/through.out"
stop_proxy
through=$(tunnels "$work/through.log")
calls=$(sed -n 's/^requests: \([0-9]*\)$/\1/p' "$work/through.out")
echo "tinyproxy log: $through CONNECT request(s) to localhost:$emulator_port for $calls calls, e.g."
# (grep -m, not | head: with pipefail, a grep cut off by head would end the script.)
grep -m 2 "CONNECT localhost:$emulator_port" "$work/through.log" || true
grep -m 1 "Established connection to host \"localhost\"" "$work/through.log" || true
if [[ "$through" -lt 1 ]]; then
    echo "FAILED: the requests did not go through tinyproxy"; cat "$work/through.log"; exit 1
fi
# One client, 4 workers: the tunnels are reused, but not exactly 4. When a call finds no idle
# connection because the previous one is not back in hyper-util's pool yet, the pool opens
# another and keeps it (hyperium/hyper#4134); through a proxy a new connection (CONNECT, then
# TLS) takes far longer than a call, so a loaded machine sees tens to hundreds (4 to 9 on a
# quiet one; 320 for 12,307 calls at load 9, when tinyproxy's 100 clients ran out). One tunnel
# per call would be thousands: at most one per 5 calls is what reuse guarantees here.
if [[ -z "$calls" || "$calls" -lt 1 ]]; then
    echo "FAILED: the load example reported no calls"; exit 1
fi
if (( through * 5 > calls )); then
    echo "FAILED: $through tunnels for $calls calls: connections through the proxy are not reused"
    exit 1
fi
if grep -q "$key" "$work/through.log"; then
    echo "FAILED: the API key reached tinyproxy"; exit 1
fi

echo "=== NO_PROXY=localhost: the same run bypasses tinyproxy"
start_proxy "$work/bypass.log"
env -u ALL_PROXY -u all_proxy -u HTTP_PROXY -u http_proxy \
    HTTPS_PROXY="http://127.0.0.1:$proxy_port" NO_PROXY=localhost SSL_CERT_FILE="$work/pki/ca.pem" \
    MUTAGENT_API_KEY="$key" \
    cargo run -q "${profile[@]}" -p mutagent --example load -- \
    --server-url "$url" --concurrency 4 --seconds 1
stop_proxy
bypassed=$(tunnels "$work/bypass.log")
if [[ "$bypassed" -ne 0 ]]; then
    echo "FAILED: NO_PROXY did not bypass tinyproxy ($bypassed CONNECT requests)"; exit 1
fi
if ! grep -q "Starting main loop" "$work/bypass.log"; then
    echo "FAILED: tinyproxy's log was not written"; exit 1
fi
echo "tinyproxy log of that run: no CONNECT request"
echo "tinyproxy: ok"
