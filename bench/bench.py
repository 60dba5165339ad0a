#!/usr/bin/env python3
"""Benchmark scimd beside scim2-server and a static libmicrohttpd server.

bench/run installs the tools and then runs this script; BENCHMARKS.md explains
the method and records results. Standard library only.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
LUA_DIR = os.path.join(BENCH_DIR, "lua")

MIB = 1024 * 1024
SMALL_USERS = 10_000
PAGE_SIZE = 100
TEAM = "bench"
ADMIN = "admin@bench.example"
DOMAIN = "bench.example"
SCIM_JSON = "application/scim+json"


# ---------------------------------------------------------------------------
# Command line


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Measure scimd, scim2-server and a static libmicrohttpd server "
        "side by side with wrk, and print one table.",
    )
    parser.add_argument(
        "--users", type=int, metavar="N", help="users in scimd's large store (default 100000; 20000 with --quick)"
    )
    parser.add_argument(
        "--duration", type=int, metavar="SECONDS", help="seconds of load per row (default 10; 2 with --quick)"
    )
    parser.add_argument(
        "--peer-users",
        type=int,
        metavar="N",
        help="users in scim2-server's store (default 10000; 2000 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 20000 users, 2000 peer users, 2 s rows, no warm-up"
    )
    parser.add_argument("--threads", type=int, default=2, metavar="N", help="wrk threads (default 2)")
    parser.add_argument(
        "--connections", type=int, default=32, metavar="N", help="wrk connections (default 32)"
    )
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=8,
        metavar="N",
        help="threads of scim2-server's single gunicorn worker (default 8)",
    )
    parser.add_argument(
        "--scratch-path",
        metavar="DIR",
        default=os.path.join(REPO_DIR, ".build"),
        help="SwiftPM scratch path for the release build of scimd (default .build)",
    )
    parser.add_argument(
        "--scimd", metavar="PATH", help="use this scimd binary instead of building one"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        default=os.path.join(BENCH_DIR, "out"),
        help="folder for the stores, logs and results (default bench/out); "
        "each run replaces its contents",
    )
    args = parser.parse_args()

    if args.users is None:
        args.users = 20_000 if args.quick else 100_000
    if args.duration is None:
        args.duration = 2 if args.quick else 10
    if args.peer_users is None:
        args.peer_users = 2_000 if args.quick else 10_000
    if args.users < 2 * PAGE_SIZE or args.peer_users < 2 * PAGE_SIZE:
        parser.error(f"--users and --peer-users must be at least {2 * PAGE_SIZE}")
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    # Warm-up before each measured row, to open every connection and fill the
    # caches; wrk takes whole seconds only. The smoke run skips it.
    args.warmup = 0 if args.quick else 1
    return args


# ---------------------------------------------------------------------------
# Processes


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, errors="replace") as log:
            return "".join(log.readlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Server:
    """A server process this script started, and how to reach it."""

    name: str
    process: subprocess.Popen
    port: int
    base_path: str
    log_path: str

    def process_ids(self) -> list[int]:
        """Return the server's process id and those of its child processes."""
        ids = [self.process.pid]
        children_file = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        try:
            with open(children_file) as children:
                ids += [int(word) for word in children.read().split()]
        except OSError:
            pass
        return ids

    def reset_peak_rss(self) -> None:
        """Reset VmHWM of every process of the server to its current RSS (Linux 4.0+)."""
        for pid in self.process_ids():
            with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
                clear_refs.write("5")

    def peak_rss_bytes(self) -> int:
        """Return the sum of VmHWM over the server's processes."""
        total = 0
        for pid in self.process_ids():
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) * 1024
        return total

    def cpu_seconds(self) -> float:
        """Return the CPU time, user and system, that the server's processes have used."""
        ticks = 0
        for pid in self.process_ids():
            with open(f"/proc/{pid}/stat") as stat:
                # Split after the command name, which is in brackets and may contain spaces.
                # utime and stime are the 14th and 15th fields of the whole line.
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def wait_until_idle(self, limit_seconds: float = 60) -> None:
        """Wait until the server uses at most 5% of a core.

        After wrk stops, a slow server still works through the requests it had
        queued. Waiting keeps that work out of the next measurement, which may
        be of another server sharing the same cores.
        """
        deadline = time.monotonic() + limit_seconds
        previous = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            current = self.cpu_seconds()
            if current - previous <= 0.01:
                return
            previous = current
        print(f"warning: {self.name} was still busy {limit_seconds:.0f} s after the load stopped")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"warning: {self.name} did not stop within 30 s of SIGTERM; killing it")
            self.process.kill()
            self.process.wait()


RUNNING: list[Server] = []


def start_process(name: str, command: list[str], log_path: str, **popen_options) -> subprocess.Popen:
    log = open(log_path, "w")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **popen_options
    )
    log.close()
    return process


def wait_for_log_line(process: subprocess.Popen, log_path: str, pattern: str, name: str) -> re.Match:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(log_path, errors="replace") as log:
            match = re.search(pattern, log.read())
        if match:
            return match
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with status {process.returncode} before it listened; "
                f"its log ends with:\n{log_tail(log_path)}"
            )
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{name} did not print its listen line within 60 s; see {log_path}")


def start_scimd(name: str, binary: str, database: str, out: str) -> Server:
    log_path = os.path.join(out, f"{name}.log")
    # The per-team rate limits (180 writes and 300 reads a minute by default)
    # are a product feature, not the serving cost under test: turn them off.
    command = [
        binary, "serve",
        "--listen", "127.0.0.1:0",
        "--database", database,
        "--rate-limit-writes", "0",
        "--rate-limit-reads", "0",
    ]
    process = start_process(name, command, log_path)
    match = wait_for_log_line(process, log_path, r"scimd\.listen=127\.0\.0\.1:(\d+)", name)
    server = Server(name, process, int(match.group(1)), "/scim/v2", log_path)
    RUNNING.append(server)
    return server


def start_scim2_server(out: str, threads: int) -> Server:
    port = free_port()
    log_path = os.path.join(out, "scim2-server.log")
    gunicorn = os.path.join(BENCH_DIR, ".venv", "bin", "gunicorn")
    # One worker, because each worker process would hold its own in-memory store.
    command = [
        gunicorn,
        "--workers", "1",
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--chdir", BENCH_DIR,
        "--no-control-socket",
        "--log-level", "warning",
        "scim2_app:app",
    ]
    process = start_process("scim2-server", command, log_path)
    server = Server("scim2-server", process, port, "/v2", log_path)
    RUNNING.append(server)
    wait_until_serving(server, "/v2/ServiceProviderConfig")
    return server


def start_ceiling(out: str) -> Server:
    port = free_port()
    log_path = os.path.join(out, "ceiling.log")
    process = start_process("ceiling", [os.path.join(BENCH_DIR, "ceiling"), str(port)], log_path)
    wait_for_log_line(process, log_path, r"ceiling listening", "ceiling")
    # The ceiling returns the same body for any path, so it takes scimd's paths unchanged.
    server = Server("ceiling", process, port, "/scim/v2", log_path)
    RUNNING.append(server)
    return server


def wait_until_serving(server: Server, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with status {server.process.returncode}; "
                f"its log ends with:\n{log_tail(server.log_path)}"
            )
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not respond 200 to GET {path} within 60 s")


def stop_all() -> None:
    while RUNNING:
        RUNNING.pop().stop()


# ---------------------------------------------------------------------------
# Seeding over HTTP


def seed_user_name(index: int) -> str:
    return f"user-{index:06d}@{DOMAIN}"


def post_users(job: tuple[int, str, dict[str, str], list[int]]) -> list[tuple[str, str]]:
    """POST one user per index over one connection; return (id, userName) pairs.

    Runs in a worker process, so that several connections seed at once without
    sharing the interpreter lock.
    """
    port, base_path, headers, indexes = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    created = []
    for index in indexes:
        user_name = seed_user_name(index)
        body = json.dumps({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": user_name,
            "name": {"givenName": "Seed", "familyName": f"User {index:06d}"},
            "externalId": f"ext-{index:06d}",
            "active": True,
        })
        connection.request("POST", f"{base_path}/Users", body, headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 201:
            raise RuntimeError(
                f"POST {base_path}/Users for {user_name} returned {response.status}, "
                f"expected 201: {payload[:300]!r}"
            )
        created.append((json.loads(payload)["id"], user_name))
    return created


def seed_users(server: Server, headers: dict[str, str], first: int, last: int, connections: int) -> list[tuple[str, str]]:
    """Create users first..last (inclusive) through the server's API."""
    indexes = list(range(first, last + 1))
    if not indexes:
        return []
    chunk = (len(indexes) + connections - 1) // connections
    jobs = [
        (server.port, server.base_path, headers, indexes[start:start + chunk])
        for start in range(0, len(indexes), chunk)
    ]
    started = time.monotonic()
    try:
        with ProcessPoolExecutor(len(jobs)) as pool:
            created = [pair for part in pool.map(post_users, jobs) for pair in part]
    except OSError as error:
        raise RuntimeError(
            f"seeding {server.name} failed after {time.monotonic() - started:.1f} s: {error!r}; "
            f"{describe_server_state(server)}"
        ) from error
    elapsed = time.monotonic() - started
    print(f"  {server.name}: created {len(created)} users in {elapsed:.1f} s "
          f"({len(created) / elapsed:.0f}/s)")
    return created


def describe_server_state(server: Server) -> str:
    """Describe whether the server process runs and accepts connections, for error messages."""
    if server.process.poll() is not None:
        return f"the server exited with status {server.process.returncode}; its log ends with:\n{log_tail(server.log_path)}"
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        accepts = "accepts"
    except OSError as error:
        accepts = f"rejects ({error.strerror})"
    return f"the server is running and {accepts} connections on port {server.port} now"


def request_json(server: Server, path: str, headers: dict[str, str]) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("GET", server.base_path + path, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    try:
        return response.status, json.loads(payload)
    except ValueError:
        return response.status, {"unparsed": payload[:300].decode(errors="replace")}


def check_total(server: Server, headers: dict[str, str], expected: int) -> None:
    """Check that GET /Users?count=0 reports the expected totalResults."""
    status, body = request_json(server, "/Users?count=0", headers)
    if status != 200 or body.get("totalResults") != expected:
        raise RuntimeError(
            f"{server.name}: GET /Users?count=0 returned {status} with totalResults "
            f"{body.get('totalResults')}, expected 200 and {expected}"
        )


def write_users_file(path: str, users: list[tuple[str, str]]) -> None:
    with open(path, "w") as users_file:
        for user_id, user_name in users:
            users_file.write(f"{user_id}\t{user_name}\n")


def create_team(binary: str, database: str) -> str:
    """Create the benchmark team in a new store and return its admin's API key."""
    result = subprocess.run(
        [binary, "team", "create", TEAM, "--admin", ADMIN, "--domain", DOMAIN,
         "--database", database],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"scimd team create failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def copy_store(source: str, destination: str) -> None:
    """Copy a SQLite store with the online backup API, which includes the WAL."""
    with sqlite3.connect(source) as source_db, sqlite3.connect(destination) as destination_db:
        source_db.backup(destination_db)
    source_db.close()
    destination_db.close()


# ---------------------------------------------------------------------------
# Load with wrk


@dataclass
class Row:
    """One measured row of the table: an operation on one system."""

    operation: str
    system: str
    users: int
    requests_per_second: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_rss: int | None = None
    error: str | None = None
    raw: dict = field(default_factory=dict)


def run_wrk(server: Server, script: str, script_args: list[str], seconds: float, args, headers: dict[str, str]) -> dict:
    command = [
        "wrk",
        "-t", str(args.threads),
        "-c", str(args.connections),
        "-d", f"{seconds}s",
        # A request unanswered after this long counts as an error of the row.
        "--timeout", "30s",
        "-s", os.path.join(LUA_DIR, script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{server.port}", "--", server.base_path, *script_args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"^wrk-result (\{.*\})$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not match:
        raise RuntimeError(
            f"wrk failed against {server.name} ({result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )
    return json.loads(match.group(1))


def measure(operation: "Operation", target: "Target", args, headers: dict[str, str]) -> Row:
    server = target.server
    row = Row(operation.name, server.name, target.users)
    if target.probe is not None:
        problem = target.probe()
        if problem:
            row.error = f"probe failed: {problem}"
            return row

    if args.warmup:
        run_wrk(server, operation.script, target.script_args("warmup"), args.warmup, args, headers)
        server.wait_until_idle()
    server.reset_peak_rss()
    result = run_wrk(server, operation.script, target.script_args("measured"), args.duration, args, headers)
    server.wait_until_idle()
    row.peak_rss = server.peak_rss_bytes()
    row.raw = result

    if result["requests"] == 0:
        row.error = f"no request completed within {args.duration} s"
        return row
    socket_errors = sum(result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    if result["non_2xx"] or socket_errors:
        parts = []
        if result["non_2xx"]:
            parts.append(
                f"{result['non_2xx']} of {result['requests']} responses not 2xx "
                f"(first: {result['first_bad_status']} {result['first_bad_body'][:120]})"
            )
        if socket_errors:
            parts.append(f"{socket_errors} socket errors or timeouts")
        row.error = "; ".join(parts)
        return row

    row.requests_per_second = result["requests"] / (result["duration_us"] / 1e6)
    row.p50_ms = result["p50_us"] / 1000
    row.p99_ms = result["p99_us"] / 1000
    return row


# ---------------------------------------------------------------------------
# Operations


@dataclass
class Target:
    """A system under one operation: the server, its store size, the script's arguments."""

    server: Server
    users: int
    # Return the Lua script's arguments after the base path, given the phase
    # ("warmup" or "measured").
    script_args: Callable[[str], list[str]]
    # Return a problem description, or None when one request gets the expected response.
    probe: Callable[[], str | None] | None = None


@dataclass
class Operation:
    key: str
    name: str
    script: str
    targets: list[Target]


def probe_get(server: Server, path: str, headers: dict[str, str], check=None) -> Callable[[], str | None]:
    """Return a probe that sends one GET and checks its status and, optionally, its body."""
    def probe() -> str | None:
        status, body = request_json(server, path, headers)
        if status < 200 or status > 299:
            return f"GET {server.base_path}{path} returned {status}: {str(body)[:200]}"
        if check is not None:
            return check(body)
        return None
    return probe


def expect_resources(count: int, total: int | None = None):
    def check(body: dict) -> str | None:
        resources = body.get("Resources", [])
        if len(resources) != count:
            return f"expected {count} Resources, got {len(resources)}"
        if total is not None and body.get("totalResults") != total:
            return f"expected totalResults {total}, got {body.get('totalResults')}"
        return None
    return check


def quoted_filter(user_name: str) -> str:
    return "/Users?filter=userName%20eq%20%22" + user_name + "%22"


def build_operations(servers: dict[str, Server], files: dict[str, str], counts: dict[str, int],
                     samples: dict[str, tuple[str, str]], headers: dict[str, str]) -> list[Operation]:
    """List the operations, each with its systems in the order they are measured."""
    large, small, peer, ceiling = servers["large"], servers["small"], servers["peer"], servers["ceiling"]
    large_users, small_users, peer_users = counts["large"], counts["small"], counts["peer"]
    # Totals as listed: scimd's stores also contain the team admin, created first.
    large_total, peer_total = large_users + 1, peer_users

    def with_file(name):
        return lambda phase: [files[name]]

    def fixed(*values):
        return lambda phase: list(values)

    def run_word(system):
        return lambda phase: [f"{system}{phase[0]}{int(time.time())}"]

    def probe_user(server, key):
        return probe_get(server, f"/Users/{samples[key][0]}", headers)

    def probe_filter(server, key):
        return probe_get(server, quoted_filter(samples[key][1]), headers, expect_resources(1, 1))

    def probe_page(server, start, total):
        return probe_get(server, f"/Users?startIndex={start}&count={PAGE_SIZE}", headers,
                         expect_resources(PAGE_SIZE, total))

    large_last_page = large_total - PAGE_SIZE + 1
    peer_last_page = peer_total - PAGE_SIZE + 1
    return [
        Operation("get", "GET /Users/{id}", "get_user.lua", [
            Target(large, large_users, with_file("large"), probe_user(large, "large")),
            Target(peer, peer_users, with_file("peer"), probe_user(peer, "peer")),
            Target(ceiling, 0, with_file("large")),
        ]),
        Operation("filter_small", f"filter userName eq, {small_users} users", "filter_username.lua", [
            Target(small, small_users, with_file("small"), probe_filter(small, "small")),
            Target(peer, peer_users, with_file("peer"), probe_filter(peer, "peer")),
            Target(ceiling, 0, with_file("small")),
        ]),
        Operation("filter_large", f"filter userName eq, {large_users} users", "filter_username.lua", [
            Target(large, large_users, with_file("large"), probe_filter(large, "large")),
            Target(peer, peer_users, with_file("peer"), probe_filter(peer, "peer")),
            Target(ceiling, 0, with_file("large")),
        ]),
        Operation("page_first", "page of 100, first", "list_page.lua", [
            Target(large, large_users, fixed("1"), probe_page(large, 1, large_total)),
            Target(peer, peer_users, fixed("1"), probe_page(peer, 1, peer_total)),
            Target(ceiling, 0, fixed("1")),
        ]),
        Operation("page_last", "page of 100, last", "list_page.lua", [
            Target(large, large_users, fixed(str(large_last_page)), probe_page(large, large_last_page, large_total)),
            Target(peer, peer_users, fixed(str(peer_last_page)), probe_page(peer, peer_last_page, peer_total)),
            Target(ceiling, 0, fixed(str(large_last_page))),
        ]),
        Operation("post", "POST /Users", "post_user.lua", [
            Target(large, large_users, run_word("s")),
            Target(peer, peer_users, run_word("p")),
            Target(ceiling, 0, run_word("c")),
        ]),
        Operation("put", "PUT /Users/{id}", "put_user.lua", [
            Target(large, large_users, with_file("large"), probe_user(large, "large")),
            Target(peer, peer_users, with_file("peer"), probe_user(peer, "peer")),
            Target(ceiling, 0, with_file("large")),
        ]),
        Operation("patch", "PATCH active", "patch_active.lua", [
            Target(large, large_users, with_file("large"), probe_user(large, "large")),
            Target(peer, peer_users, with_file("peer"), probe_user(peer, "peer")),
            Target(ceiling, 0, with_file("large")),
        ]),
    ]


# ---------------------------------------------------------------------------
# Targets and the table


@dataclass
class Check:
    """One target: what it compares, the measured value and whether it is met."""

    operation: str
    label: str
    description: str
    value: float | None
    limit: float
    at_most: bool = False

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit


def ratio(numerator: Row | None, denominator: Row | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    if not numerator.requests_per_second or not denominator.requests_per_second:
        return None
    return numerator.requests_per_second / denominator.requests_per_second


def evaluate_targets(rows: dict[tuple[str, str], Row]) -> list[Check]:
    """Compare scimd's rows with the targets for 2 cores, wrk -t2 -c32, 10 s rows."""
    def scimd(key):
        return rows.get((key, "scimd"))

    def peer(key):
        return rows.get((key, "scim2-server"))

    def ceiling(key):
        return rows.get((key, "ceiling"))

    checks = [
        Check("get", "≥ 30× scim2-server", "req/s at least 30 times scim2-server's",
              ratio(scimd("get"), peer("get")), 30),
        Check("get", "≥ 40% of ceiling", "req/s at least 40% of the ceiling's",
              ratio(scimd("get"), ceiling("get")), 0.40),
        Check("filter_large", "≥ 90% of GET by id", "req/s at least 90% of GET /Users/{id}'s",
              ratio(scimd("filter_large"), scimd("get")), 0.90),
        Check("filter_large", "≥ 90% of small-store filter",
              "req/s at least 90% of the same filter's on the small store",
              ratio(scimd("filter_large"), scimd("filter_small")), 0.90),
        Check("page_last", "≥ 50% of first page", "req/s at least half the first page's (cost at most 2 times)",
              ratio(scimd("page_last"), scimd("page_first")), 0.50),
        Check("post", "≥ 10× scim2-server", "req/s at least 10 times scim2-server's",
              ratio(scimd("post"), peer("post")), 10),
    ]
    for (key, system), row in rows.items():
        if system == "scimd":
            value = None if row.peak_rss is None else row.peak_rss / MIB
            checks.append(Check(key, "RSS ≤ 64 MiB", "peak RSS at most 64 MiB", value, 64, at_most=True))
    return checks


def format_number(value: float | None, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def format_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def render_table(operations: list[Operation], rows: dict[tuple[str, str], Row], checks: list[Check]) -> str:
    lines = [
        "| operation | system | users | req/s | p50 ms | p99 ms | peak RSS MiB "
        "| vs scim2-server | vs ceiling | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for operation in operations:
        for target in operation.targets:
            row = rows[(operation.key, target.server.name)]
            system = "scimd" if target.server.name in ("scimd-large", "scimd-small") else target.server.name
            versus_peer = versus_ceiling = None
            verdicts = ""
            if system == "scimd":
                versus_peer = ratio(row, rows.get((operation.key, "scim2-server")))
                versus_ceiling = ratio(row, rows.get((operation.key, "ceiling")))
                own = [check for check in checks if check.operation == operation.key]
                verdicts = "; ".join(
                    f"{check.label}: {'no figure' if check.met is None else ('met' if check.met else 'MISSED')}"
                    for check in own
                )
            if row.error:
                error = row.error.replace("|", "\\|").replace("\n", " ")
                figures = f"ERRORS: {error} | | | "
                lines.append(
                    f"| {operation.name} | {system} | {row.users or '—'} | {figures}"
                    f"| {format_ratio(None)} | {format_ratio(None)} | {verdicts} |"
                )
                continue
            lines.append(
                f"| {operation.name} | {system} | {row.users or '—'} "
                f"| {format_number(row.requests_per_second, '{:,.0f}')} "
                f"| {format_number(row.p50_ms, '{:.2f}')} "
                f"| {format_number(row.p99_ms, '{:.2f}')} "
                f"| {format_number(None if row.peak_rss is None else row.peak_rss / MIB, '{:.1f}')} "
                f"| {format_ratio(versus_peer)} | {format_ratio(versus_ceiling)} | {verdicts} |"
            )
    return "\n".join(lines)


def render_checks(checks: list[Check], operations: list[Operation]) -> str:
    """List each target once; the RSS target becomes one line with the largest peak."""
    names = {operation.key: operation.name for operation in operations}
    rss_checks = [check for check in checks if check.at_most]
    checks = [check for check in checks if not check.at_most]
    if rss_checks:
        measured = [check for check in rss_checks if check.value is not None]
        largest = max(measured, key=lambda check: check.value) if measured else rss_checks[0]
        checks.append(Check(f"every row, largest in {names.get(largest.operation, largest.operation)}",
                            largest.label, "peak RSS at most 64 MiB", largest.value, largest.limit,
                            at_most=True))
    lines = []
    for check in checks:
        if check.met is None:
            verdict, value = "no figure", "—"
        else:
            verdict = "met" if check.met else "MISSED"
            value = f"{check.value:.1f} MiB" if check.at_most else f"{check.value:.2f}"
        lines.append(f"- {names.get(check.operation, check.operation)}: {check.description}: "
                     f"{value} ({verdict})")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Machine facts and the build


def read_cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_output(*command: str) -> str:
    result = subprocess.run(["git", "-C", REPO_DIR, *command], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def machine_facts(args) -> list[str]:
    commit = git_output("rev-parse", "--short", "HEAD")
    if git_output("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    warmup = f"after a {args.warmup} s warm-up" if args.warmup else "with no warm-up"
    return [
        f"date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"cores: {os.cpu_count()} ({read_cpu_model()})",
        f"load average at start: {load}",
        f"scimd commit: {commit}",
        f"wrk: -t{args.threads} -c{args.connections}, {args.duration} s per row {warmup}",
        f"command: {' '.join(['bench/run', *sys.argv[1:]])}",
    ]


def build_scimd(scratch_path: str) -> str:
    """Build scimd in release mode and return the binary's path."""
    command = ["swift", "build", "-c", "release", "--product", "scimd", "--scratch-path", scratch_path]
    print("$ " + " ".join(command), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=REPO_DIR, check=True)
    print(f"  built in {time.monotonic() - started:.0f} s")
    bin_path = subprocess.run(
        command + ["--show-bin-path"], cwd=REPO_DIR, check=True, capture_output=True, text=True
    ).stdout.strip()
    return os.path.join(bin_path, "scimd")


# ---------------------------------------------------------------------------
# The run


def prepare_scimd_stores(binary: str, args, out: str) -> tuple[str, dict, dict]:
    """Create the small and the large store; return the API key, store paths and users."""
    small_users = min(SMALL_USERS, args.users)
    small_db = os.path.join(out, "scimd-small.sqlite")
    large_db = os.path.join(out, "scimd-large.sqlite")
    key = create_team(binary, small_db)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": SCIM_JSON}

    print(f"seeding scimd with {small_users} then {args.users} users")
    seeder = start_scimd("scimd-seed", binary, small_db, out)
    small = seed_users(seeder, headers, 1, small_users, connections=8)
    check_total(seeder, headers, small_users + 1)
    seeder.stop()
    RUNNING.remove(seeder)

    copy_store(small_db, large_db)
    seeder = start_scimd("scimd-seed", binary, large_db, out)
    rest = seed_users(seeder, headers, small_users + 1, args.users, connections=8)
    check_total(seeder, headers, args.users + 1)
    seeder.stop()
    RUNNING.remove(seeder)
    return key, {"small": small_db, "large": large_db}, {"small": small, "large": small + rest}


def main() -> int:
    args = parse_arguments()
    # Turn SIGTERM into SystemExit, so that the finally clause below stops the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    facts = machine_facts(args)
    print("\n".join(facts), flush=True)
    binary = os.path.abspath(args.scimd) if args.scimd else build_scimd(args.scratch_path)

    try:
        key, stores, users = prepare_scimd_stores(binary, args, out)
        headers = {"Authorization": f"Bearer {key}"}

        servers = {
            "large": start_scimd("scimd-large", binary, stores["large"], out),
            "small": start_scimd("scimd-small", binary, stores["small"], out),
            "peer": start_scim2_server(out, args.gunicorn_threads),
            "ceiling": start_ceiling(out),
        }
        print(f"seeding scim2-server with {args.peer_users} users")
        users["peer"] = seed_users(servers["peer"], {"Content-Type": SCIM_JSON}, 1, args.peer_users, connections=4)
        check_total(servers["peer"], headers, args.peer_users)

        files = {}
        for name, pairs in users.items():
            files[name] = os.path.join(out, f"users-{name}.tsv")
            write_users_file(files[name], pairs)
        counts = {name: len(pairs) for name, pairs in users.items()}
        samples = {name: pairs[len(pairs) // 2] for name, pairs in users.items()}
        operations = build_operations(servers, files, counts, samples, headers)

        # Each row is stored under its system ("scimd"), which the targets compare, and under its
        # server ("scimd-large", "scimd-small"), which the table looks up.
        rows: dict[tuple[str, str], Row] = {}
        for operation in operations:
            for target in operation.targets:
                system = target.server.name
                print(f"{operation.name}: {system} ...", end=" ", flush=True)
                row = measure(operation, target, args, headers)
                system_key = "scimd" if system.startswith("scimd") else system
                rows[(operation.key, system_key)] = row
                rows[(operation.key, system)] = row
                if row.error:
                    print(f"ERRORS: {row.error}")
                else:
                    print(f"{row.requests_per_second:,.0f} req/s, p50 {row.p50_ms:.2f} ms, "
                          f"p99 {row.p99_ms:.2f} ms, peak RSS {row.peak_rss / MIB:.1f} MiB")
    finally:
        stop_all()

    measured = {k: v for k, v in rows.items() if k[1] in ("scimd", "scim2-server", "ceiling")}
    checks = evaluate_targets(measured)
    report = "\n".join([
        "",
        *facts,
        "",
        render_table(operations, rows, checks),
        "",
        "Targets:",
        render_checks(checks, operations),
    ])
    print(report)
    with open(os.path.join(out, "report.md"), "w") as report_file:
        report_file.write(report + "\n")
    with open(os.path.join(out, "results.json"), "w") as results_file:
        json.dump([{"operation": k[0], "server": k[1], **v.__dict__} for k, v in rows.items()
                   if k[1] in ("scimd", "scim2-server", "ceiling")], results_file, indent=2)
    errors = [row for row in measured.values() if row.error]
    if errors:
        print(f"\n{len(errors)} rows had errors and report no figures.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
