#!/usr/bin/env bash
# Slow clients against the thread pool: COUNT connections trickle their request heads (one
# header line every 200 ms) while a normal client sends a request every second. Everything
# runs on 127.0.0.1 in a temporary folder and stops by itself (by pid).
#
#   bench/slow_clients.sh [count=1024] [path/to/llmgw]
#   env: THREADS=512 HEADER_TIMEOUT=2s
#
#   (HEADER_TIMEOUT in whole seconds, "Ns")
# Prints how each slow connection ended (408, closed unanswered, or still open when the
# run ended, count/threads + 4 header timeouts after it began), the normal requests'
# status counts and slowest time, and llmgw's RSS before and at the end (VmRSS, VmHWM).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
count=${1:-1024}
llmgw=$(llmgw_binary "${2:-${LLMGW_BIN:-build/llmgw}}")
threads=${THREADS:-512}
header_timeout=${HEADER_TIMEOUT:-2s}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

make_workspace
port=$(free_port)
"$llmgw" --db "$work/bench.db" serve --listen "127.0.0.1:$port" --threads "$threads" \
  --header-timeout "$header_timeout" --access-log off 2>"$work/serve.log" &
pids+=($!)
daemon=$!
for _ in $(seq 100); do grep -q '"listening"' "$work/serve.log" && break; sleep 0.1; done
rss() { grep -E '^(VmRSS|VmHWM)' "/proc/$daemon/status" | tr -s ' \t' ' ' | tr '\n' ' '; }
echo "slow clients: $count slow heads, --threads $threads, --header-timeout $header_timeout"
echo "rss at start: $(rss)"

python3 - "$port" "$count" "$threads" "$header_timeout" <<'PY'
import collections, socket, sys, threading, time
port, count, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
timeout = float(sys.argv[4].rstrip("s"))
# Every slow head is cut within one header timeout of reaching a worker.
limit = timeout * (count // threads + 4)
slow, endings = {}, collections.Counter()
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(b"GET /healthz HTTP/1.1\r\n")
    slow[s] = b""
stop, normal, slowest = threading.Event(), collections.Counter(), [0.0]

def normal_client():
    while not stop.is_set():
        started = time.monotonic()
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=limit)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            normal[c.recv(12)[9:12].decode() or "none"] += 1
            c.close()
        except OSError as e:
            normal[type(e).__name__] += 1
        slowest[0] = max(slowest[0], time.monotonic() - started)
        stop.wait(1)

def ended(s):
    endings["408" if slow[s].startswith(b"HTTP/1.1 408") else "closed unanswered"] += 1
    del slow[s]
    s.close()

client = threading.Thread(target=normal_client)
client.start()
deadline = time.monotonic() + limit
while slow and time.monotonic() < deadline:
    for s in list(slow):
        try:
            s.send(b"X-Slow: 1\r\n")
            data = s.recv(4096)
            if data:
                slow[s] += data
            else:
                ended(s)
        except BlockingIOError:
            pass
        except OSError:
            ended(s)
    time.sleep(0.2)
stop.set()
client.join()
endings["still open"] = len(slow)
print("slow connections:", dict(endings))
print("normal requests:", dict(normal), "slowest %.2f s" % slowest[0])
PY
echo "rss at end: $(rss)"
