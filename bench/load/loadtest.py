#!/usr/bin/env python3
"""Load comparison on this machine: the same origin reached directly, through HAProxy, through nginx
and through the Mesh gateway, with wrk (HTTP/1.1) and h2load (h2c). Prints one table of requests per
second and p50/p99 latency, with ratios to HAProxy.

    python3 bench/load/loadtest.py            # DURATION=10 CONNECTIONS=32 to change the load
    TARGETS=haproxy,mesh PROTOCOLS=http/1.1 python3 bench/load/loadtest.py   # a subset, while iterating
    APPHOST_ARGS="--gateway-lean-http1-upstream false" python3 bench/load/loadtest.py   # a gateway option, for A/B runs
    ROUNDS=5 TARGETS=haproxy,mesh python3 bench/load/loadtest.py   # interleaved rounds, medians (this VM swings ±30%)
    CONTENTION=1 ROUNDS=5 TARGETS=haproxy,mesh python3 bench/load/loadtest.py   # a busy-looping process shares the cores throughout

Every process the script starts (origin, each proxy, each load run, each busy loop) has a session of
its own. Where the kernel groups the scheduling of sessions (autogroup, on by default on many
distributions, and here), the CPU is then shared between them the same way whichever proxy is
measured, much as a node shares it between pods' cgroups (docs/performance.md says what it changed).

Each proxy runs as it would by default on this machine: HAProxy with its default threads (one per
CPU), nginx with a worker per CPU, the gateway with its defaults (HTTP/1.1 and h2c on its lean front's
socket threads); the origin is one nginx worker. Everything listens on 127.0.0.1 only; every load run
is bounded in time. Needs: haproxy, nginx (nginx-light), wrk, h2load (nghttp2-client) from Debian, and
the .NET SDK; missing Debian packages are installed with apt-get when run as root.
"""
import os, random, re, shutil, signal, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DURATION = int(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
WARMUP = int(os.environ.get("WARMUP", "15"))
# Rounds of one run per target and protocol, in a new random order each round, reported as medians. A
# target waiting its turn sits idle, so from the second round each run has a short warm-up of its own.
ROUNDS = int(os.environ.get("ROUNDS", "1"))
REWARM = int(os.environ.get("REWARM", "3"))
TARGETS = os.environ.get("TARGETS", "direct,haproxy,nginx,mesh").split(",")
PROTOCOLS = os.environ.get("PROTOCOLS", "http/1.1,h2c").split(",")
# A node's proxy shares its cores with the workloads it serves: CONTENTION=N runs N busy-looping processes
# from the first warm-up to the last run, to see which proxy holds up when CPU is short.
CONTENTION = int(os.environ.get("CONTENTION", "0"))
# Extra AppHost arguments, for A/B runs of gateway options (e.g. "--gateway-lean-http1-upstream false").
APPHOST_ARGS = os.environ.get("APPHOST_ARGS", "").split()
ORIGIN, HAPROXY_H1, HAPROXY_H2, NGINX_H1, NGINX_H2 = 18080, 18090, 18092, 18091, 18093
GATEWAY, GATEWAY_ADMIN, SILO, API = 18101, 18102, 18100, 18110
HOST = "origin.bench"


def ensure_tools():
    missing = [pkg for tool, pkg in [("haproxy", "haproxy"), ("nginx", "nginx-light"), ("wrk", "wrk"), ("h2load", "nghttp2-client")]
               if shutil.which(tool) is None]
    if missing:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def start_alone(cmd, **kwargs):
    """Starts a process in a session of its own: see the module's notes on sessions."""
    return subprocess.Popen(cmd, start_new_session=True, **kwargs)


def run_alone(cmd, **kwargs):
    """Runs a process to its end, in a session of its own."""
    return subprocess.run(cmd, start_new_session=True, **kwargs)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def start_nginx(work, name, body, workers="1"):
    conf = write(os.path.join(work, f"{name}.conf"), f"""
daemon off; worker_processes {workers}; pid {work}/{name}.pid; error_log {work}/{name}.err warn;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};
  upstream origin {{ server 127.0.0.1:{ORIGIN}; keepalive 64; }}
  {body} }}
""")
    return start_alone(["nginx", "-c", conf, "-p", work], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_http(port, host=None, path="/"):
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host} if host else {})
            with urllib.request.urlopen(req, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def descendants(pid):
    """The process and every process below it (nginx workers, the AppHost's children)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def gateway_allocated_bytes():
    with urllib.request.urlopen(f"http://127.0.0.1:{GATEWAY_ADMIN}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("dotnet_gc_allocated_bytes_total "):
                return float(line.split()[1])
    return None


def measured(run, pids, is_mesh):
    """Runs one load and adds what it cost the proxy: CPU microseconds and (for the gateway) bytes allocated per request."""
    cpu0, alloc0 = cpu_seconds(pids), gateway_allocated_bytes() if is_mesh else None
    rps, p50, p99, errors, requests = run()
    cpu1, alloc1 = cpu_seconds(pids), gateway_allocated_bytes() if is_mesh else None
    cpu_us = (cpu1 - cpu0) * 1e6 / requests if requests else None
    alloc = (alloc1 - alloc0) / requests if requests and alloc0 is not None and alloc1 is not None else None
    return rps, p50, p99, errors, cpu_us, alloc


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def warm_up(port, protocol="http/1.1", seconds=None):
    """Fifteen seconds of the same load first: the gateway's JIT (tiered, with PGO) takes about that long to
    settle, and HTTP/2 runs code that HTTP/1.1 load never reaches. Every target gets the same warm-up."""
    seconds = WARMUP if seconds is None else seconds
    if protocol == "h2c":
        run_alone(["h2load", f"-c{CONNECTIONS}", "-m10", f"-D{seconds}", "-H", f":authority: {HOST}", f"http://127.0.0.1:{port}/"],
                  capture_output=True, text=True)
    else:
        run_alone(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", f"Host: {HOST}", f"http://127.0.0.1:{port}/"],
                  capture_output=True, text=True)


def run_wrk(port):
    out = run_alone(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "-H", f"Host: {HOST}",
                     f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {p: to_ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return rps, pct.get("50"), pct.get("99"), int(errors.group(1)) if errors else 0, requests


def run_h2load(port, work):
    log = os.path.join(work, f"h2load-{port}.log")
    if os.path.exists(log):
        os.remove(log)  # h2load appends: a second round must not count the first's requests.
    out = run_alone(["h2load", f"-c{CONNECTIONS}", "-m10", f"-D{DURATION}", "-H", f":authority: {HOST}",
                     "--log-file", log, f"http://127.0.0.1:{port}/"], capture_output=True, text=True).stdout
    match = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out)
    if not match:
        return None, None, None, -1, 0
    times = []
    failed = 0
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                if not parts[1].startswith("2"):
                    failed += 1
                times.append(int(parts[2]) / 1000.0)  # microseconds → ms
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] if times else None
    return float(match.group(1)), p(0.5), p(0.99), failed, len(times)


def medians(values):
    """Column by column, the median of the rounds (columns a run could not measure stay None)."""
    columns = list(zip(*values))
    return tuple(statistics.median(c) if all(v is not None for v in c) else None for c in columns)


def main():
    ensure_tools()
    work = tempfile.mkdtemp(prefix="mesh-load-")
    procs = []
    try:
        origin = start_nginx(work, "origin", f"""
  server {{ listen 127.0.0.1:{ORIGIN}; keepalive_requests 1000000; location / {{ return 200 "hello from the origin\\n"; }} }}""")
        procs.append(origin)
        nginx = start_nginx(work, "proxy", f"""
  server {{ listen 127.0.0.1:{NGINX_H1}; keepalive_requests 1000000;
    location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }} }}
  server {{ listen 127.0.0.1:{NGINX_H2} http2; keepalive_requests 1000000;
    location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }} }}""", workers="auto")
        procs.append(nginx)
        haproxy_cfg = write(os.path.join(work, "haproxy.cfg"), f"""
global
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend h1
  bind 127.0.0.1:{HAPROXY_H1}
  default_backend origin
frontend h2
  bind 127.0.0.1:{HAPROXY_H2} proto h2
  default_backend origin
backend origin
  http-reuse always
  server origin 127.0.0.1:{ORIGIN}
""")
        haproxy = start_alone(["haproxy", "-f", haproxy_cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(haproxy)
        build = subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src", "AppHost")], capture_output=True, text=True)
        if build.returncode != 0:
            raise SystemExit(build.stdout[-4000:])
        apphost = start_alone(
            ["dotnet", "run", "-c", "Release", "--no-build", "--project", os.path.join(ROOT, "src", "AppHost"), "--",
             "--resources", os.path.join(ROOT, "bench", "load", "resources"), "--api-port", str(API), "--silo-port", str(SILO),
             "--gateway-port", str(GATEWAY), "--gateway-admin-port", str(GATEWAY_ADMIN), "--pod-network", "127.1.250.0",
             "--service-network", "127.2.250.0", *APPHOST_ARGS], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(apphost)
        for port in (ORIGIN, HAPROXY_H1, NGINX_H1):
            wait_http(port)
        wait_http(GATEWAY, HOST)

        gateway = [pid for pid in descendants(apphost.pid) if b" gateway " in open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")]
        processes = {"direct": descendants(origin.pid), "haproxy": descendants(haproxy.pid), "nginx": descendants(nginx.pid), "mesh": gateway}
        targets = [("direct", ORIGIN, None), ("haproxy", HAPROXY_H1, HAPROXY_H2), ("nginx", NGINX_H1, NGINX_H2), ("mesh", GATEWAY, GATEWAY)]
        runs = []  # (name, protocol, port, run)
        for name, h1, h2 in targets:
            if name not in TARGETS:
                continue
            if "http/1.1" in PROTOCOLS:
                runs.append((name, "http/1.1", h1, lambda port=h1: run_wrk(port)))
            if h2 and "h2c" in PROTOCOLS:
                runs.append((name, "h2c", h2, lambda port=h2: run_h2load(port, work)))
        rounds = {}
        # Warm-ups run under the contention too: they are there for the JIT, which it does not change.
        procs[:0] = [start_alone([sys.executable, "-c", "while True: pass"]) for _ in range(CONTENTION)]
        for round_number in range(ROUNDS):
            order = runs if round_number == 0 else random.sample(runs, len(runs))
            for name, proto, port, run in order:
                warm_up(port, proto, WARMUP if round_number == 0 else REWARM)
                rounds.setdefault((name, proto), []).append(measured(run, processes[name], name == "mesh"))
        results = {key: medians(values) for key, values in rounds.items()}
        print(f"\nload: {CONNECTIONS} connections, {DURATION}s each, 2 cores shared by client, proxy and origin"
              + (f"; medians of {ROUNDS} interleaved rounds" if ROUNDS > 1 else "")
              + (f"; {CONTENTION} busy-looping process(es) throughout" if CONTENTION else "") + "\n")
        print("cpu µs/req: CPU time of the proxy's own processes (the origin's, for direct) per request served;")
        print("alloc B/req: bytes the gateway allocated per request (from its /metrics).\n")
        print(f"{'target':<10}{'protocol':<10}{'req/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}{'rps/haproxy':>13}{'p99/haproxy':>13}"
              f"{'cpu µs/req':>12}{'alloc B/req':>13}")
        for (name, proto), (rps, p50, p99, errors, cpu_us, alloc) in results.items():
            base = results.get(("haproxy", proto))
            ratio = f"{rps / base[0]:.2f}" if base and rps and base[0] else "-"
            lat = f"{p99 / base[2]:.2f}" if base and p99 and base[2] else "-"
            fmt = lambda v: f"{v:.2f}" if v is not None else "-"
            print(f"{name:<10}{proto:<10}{(rps or 0):>12.0f}{fmt(p50):>10}{fmt(p99):>10}{errors:>9}{ratio:>13}{lat:>13}"
                  f"{(f'{cpu_us:.1f}' if cpu_us else '-'):>12}{(f'{alloc:.0f}' if alloc is not None else '-'):>13}")
        if ROUNDS > 1:
            print("\nagainst HAProxy in the same round (req/s; p99):")
            for (name, proto), values in rounds.items():
                base = rounds.get(("haproxy", proto))
                if name != "haproxy" and base:
                    ratio = lambda i: " ".join(f"{v[i] / b[i]:.2f}" if v[i] and b[i] else "-" for v, b in zip(values, base))
                    print(f"  {name:<8}{proto:<10}{ratio(0)};  {ratio(2)}")
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM) if proc is procs[-1] else proc.terminate()
            except Exception:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except Exception:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
