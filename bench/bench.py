#!/usr/bin/env python3
"""Benchmark scimd beside scim2-server and a static libmicrohttpd server.

bench/run installs the tools and then runs this script; BENCHMARKS.md explains
the method and records results. Standard library only.
"""

import argparse
import datetime
import glob
import http.client
import json
import math
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
import urllib.parse
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
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
# Groups measured for membership changes, capped at the users in the large store.
GROUP_SIZES = (10, 10_000, 100_000)
# Members added by one seeding PATCH: about 60 KB of body, far below the 1 MiB limit.
MEMBERS_PER_SEED_PATCH = 1_000
# A group-PATCH row must complete at least this many PATCHes, and runs at least
# GROUP_PATCH_MIN_SECONDS so that a quick run reaches it too.
GROUP_PATCH_MIN_REQUESTS = 1_000
GROUP_PATCH_MIN_SECONDS = 5
# The largest group's p50, p99 and req/s must stay within this factor of the 10-member group's.
GROUP_SIZE_FACTOR = 1.5
# The small rfc store contains --users divided by this, so that a cursor walk whose cost grows
# linearly takes this many times as long on the large store.
RFC_SMALL_DIVISOR = 10
# A cursor walk of the large rfc store must take less than this many times the small store's walk.
CURSOR_WALK_FACTOR = 12
# Users that one userName prefix of the sw row matches: "user-NNNNN" matches indexes NNNNN0 to NNNNN9.
PREFIX_MATCHES = 10
# Minimum req/s of each rfc filter row on the large store as a share of the same filter's on the small
# store: a filter served by an index costs the same whatever the size of the team.
RFC_FILTER_SCALING = 0.90


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
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        help="measure scimd on PostgreSQL with one node and with two nodes "
        "(default: on when a PostgreSQL server is installed under /usr/lib/postgresql)",
    )
    parser.add_argument(
        "--postgres-dir",
        metavar="DIR",
        default="/tmp/bench-pg",
        help="folder of the throwaway PostgreSQL cluster, removed before and after the run "
        "(default /tmp/bench-pg)",
    )
    parser.add_argument(
        "--postgres-port",
        type=int,
        default=55434,
        metavar="PORT",
        help="port of the throwaway PostgreSQL cluster on 127.0.0.1 (default 55434)",
    )
    parser.add_argument(
        "--rfc",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the rfc-profile rows: the compound e-mail filter, userName sw and the cursor walk "
        "(default on)",
    )
    parser.add_argument(
        "--only",
        choices=["rfc"],
        help="measure only these rows; 'rfc' skips scim2-server, the ceiling and the postman, group and "
        "PostgreSQL rows",
    )
    args = parser.parse_args()

    installed = postgres_installed()
    if args.only == "rfc" and not args.rfc:
        parser.error("--only rfc and --no-rfc leave no rows to measure")
    if args.only == "rfc" and args.postgres:
        parser.error("--only rfc skips the PostgreSQL rows; leave out --postgres")
    if args.only == "rfc":
        args.postgres = False
        args.postgres_note = "PostgreSQL rows skipped: --only rfc"
    elif args.postgres is None:
        args.postgres = installed
        args.postgres_note = None if installed else (
            "PostgreSQL rows skipped: no PostgreSQL server under /usr/lib/postgresql "
            "(install the Debian package 'postgresql' to measure them)"
        )
    elif args.postgres and not installed:
        parser.error("--postgres needs a PostgreSQL server under /usr/lib/postgresql; "
                     "install the Debian package 'postgresql'")
    else:
        args.postgres_note = None if args.postgres else "PostgreSQL rows skipped: --no-postgres"
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


def postgres_installed() -> bool:
    """Tell whether Debian's PostgreSQL server, which scripts/postgres-test-cluster runs, is installed."""
    return bool(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


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


def start_scimd(name: str, binary: str, database: str, out: str, profile: str = "postman") -> Server:
    log_path = os.path.join(out, f"{name}.log")
    # The per-team rate limits (180 writes and 300 reads a minute by default)
    # are a product feature, not the serving cost under test: turn them off.
    command = [
        binary, "serve",
        "--listen", "127.0.0.1:0",
        "--database", database,
        "--profile", profile,
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


def postman_user_body(index: int) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": seed_user_name(index),
        "name": {"givenName": "Seed", "familyName": f"User {index:06d}"},
        "externalId": f"ext-{index:06d}",
        "active": True,
    }


def rfc_user_body(index: int) -> dict:
    """Return the postman body plus e-mails, a work one and on every second user a home one,
    with every tenth user inactive."""
    emails = [{"type": "work", "value": rfc_work_email(index), "primary": True}]
    if index % 2 == 0:
        emails.append({"type": "home", "value": f"home-{index:06d}@home.example"})
    return {**postman_user_body(index), "active": rfc_user_is_active(index), "emails": emails}


def rfc_work_email(index: int) -> str:
    return f"work-{index:06d}@{DOMAIN}"


def rfc_user_is_active(index: int) -> bool:
    return index % 10 != 0


# The seeding bodies by the name that seed_users takes; names, because worker processes receive them.
USER_BODIES = {"postman": postman_user_body, "rfc": rfc_user_body}


def post_users(job: tuple[int, str, dict[str, str], list[int], str]) -> list[tuple[str, str]]:
    """POST one user per index over one connection; return (id, userName) pairs.

    Runs in a worker process, so that several connections seed at once without
    sharing the interpreter lock.
    """
    port, base_path, headers, indexes, body_kind = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    created = []
    for index in indexes:
        user_name = seed_user_name(index)
        body = json.dumps(USER_BODIES[body_kind](index))
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


def seed_users(server: Server, headers: dict[str, str], first: int, last: int, connections: int,
               body_kind: str = "postman") -> list[tuple[str, str]]:
    """Create users first..last (inclusive) through the server's API, with the bodies of USER_BODIES[body_kind].

    Returns the (id, userName) pairs in the order of the indexes.
    """
    indexes = list(range(first, last + 1))
    if not indexes:
        return []
    chunk = (len(indexes) + connections - 1) // connections
    jobs = [
        (server.port, server.base_path, headers, indexes[start:start + chunk], body_kind)
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


def request_json(server: Server, path: str, headers: dict[str, str], method: str = "GET",
                 body: dict | None = None) -> tuple[int, dict]:
    """Send one request under the server's base path; return the status and the parsed JSON body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    if body is None:
        connection.request(method, server.base_path + path, headers=headers)
    else:
        connection.request(method, server.base_path + path, json.dumps(body),
                           {**headers, "Content-Type": SCIM_JSON})
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
    # Text for the targets column that is not a target, such as a scaling ratio.
    note: str = ""
    # Completed requests of the measured run.
    requests: int = 0
    raw: dict = field(default_factory=dict)


def wrk_command(server: Server, script: str, script_args: list[str], seconds: float, threads: int,
                connections: int, headers: dict[str, str]) -> list[str]:
    command = [
        "wrk",
        "-t", str(threads),
        "-c", str(connections),
        "-d", f"{seconds}s",
        # A request unanswered after this long counts as an error of the row.
        "--timeout", "30s",
        "-s", os.path.join(LUA_DIR, script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return command + [f"http://127.0.0.1:{server.port}", "--", server.base_path, *script_args]


def parse_wrk_output(server: Server, returncode: int, stdout: str, stderr: str) -> dict:
    match = re.search(r"^wrk-result (\{.*\})$", stdout, re.MULTILINE)
    if returncode != 0 or not match:
        raise RuntimeError(
            f"wrk failed against {server.name} ({returncode}): {stderr.strip() or stdout.strip()}"
        )
    return json.loads(match.group(1))


def run_wrk(server: Server, script: str, script_args: list[str], seconds: float, args, headers: dict[str, str]) -> dict:
    command = wrk_command(server, script, script_args, seconds, args.threads, args.connections, headers)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    return parse_wrk_output(server, result.returncode, result.stdout, result.stderr)


def run_wrk_together(jobs: list[tuple[Server, list[str]]], seconds: float) -> list[dict]:
    """Run one wrk process per (server, command) at the same time; return their results in order."""
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _, command in jobs
    ]
    outputs = [process.communicate(timeout=seconds + 60) for process in processes]
    return [
        parse_wrk_output(server, process.returncode, stdout, stderr)
        for (server, _), process, (stdout, stderr) in zip(jobs, processes, outputs)
    ]


def row_problem(result: dict, seconds: float, minimum_requests: int) -> str | None:
    """Describe what makes a wrk result unusable: no requests, too few, bad statuses or socket errors."""
    if result["requests"] == 0:
        return f"no request completed within {seconds} s"
    parts = []
    if result["requests"] < minimum_requests:
        parts.append(f"only {result['requests']} requests completed, expected at least {minimum_requests}")
    socket_errors = sum(result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    first_bad = f"(first: {result['first_bad_status']} {result['first_bad_body'][:120]})"
    if result["non_2xx"]:
        parts.append(f"{result['non_2xx']} of {result['requests']} responses with an unexpected status {first_bad}")
    if result.get("unexpected_bodies"):
        parts.append(f"{result['unexpected_bodies']} of {result['requests']} responses with an unexpected body "
                     f"{first_bad}")
    if socket_errors:
        parts.append(f"{socket_errors} socket errors or timeouts")
    return "; ".join(parts) or None


def fill_row(row: Row, result: dict, seconds: float, minimum_requests: int) -> Row:
    row.raw = result
    row.requests = result["requests"]
    row.error = row_problem(result, seconds, minimum_requests)
    if row.error is None:
        row.requests_per_second = result["requests"] / (result["duration_us"] / 1e6)
        row.p50_ms = result["p50_us"] / 1000
        row.p99_ms = result["p99_us"] / 1000
    return row


def measure(operation: "Operation", target: "Target", args, headers: dict[str, str]) -> Row:
    server = target.server
    row = Row(operation.name, target.system, target.users)
    seconds = max(args.duration, target.minimum_seconds)
    if target.probe is not None:
        problem = target.probe()
        if problem:
            row.error = f"probe failed: {problem}"
            return row

    # The ceiling has no cache to fill and sends the same bytes from the first request on, so it
    # skips the warm-up, which keeps the default run under 10 minutes.
    if args.warmup and target.system != "ceiling":
        run_wrk(server, operation.script, target.script_args("warmup"), args.warmup, args, headers)
        server.wait_until_idle()
        problem = target.after_run() if target.after_run else None
        if problem:
            row.error = f"after the warm-up: {problem}"
            return row
    server.reset_peak_rss()
    changes_before = target.count_changes() if target.count_changes else 0
    result = run_wrk(server, operation.script, target.script_args("measured"), seconds, args, headers)
    server.wait_until_idle()
    row.peak_rss = server.peak_rss_bytes()
    fill_row(row, result, seconds, target.minimum_requests)
    if target.count_changes and row.error is None:
        # wrk does not count the responses still in flight when it stops, so the store may have
        # counted up to one change per connection more than wrk's requests.
        changes = target.count_changes() - changes_before
        row.note = f"{min(changes, row.requests):,} of {row.requests:,} PATCHes changed the group"
        if changes < row.requests:
            row.error = (f"only {changes} of {row.requests} PATCHes changed the group: "
                         "an add named a member already present or a remove one not present")
    problem = target.after_run() if target.after_run else None
    if problem and row.error is None:
        row.error = f"after the measured run: {problem}"
    return row


def measure_two_nodes(operation: "Operation", targets: list["Target"], args, headers: dict[str, str]) -> list[Row]:
    """Load two nodes at once with one wrk process each, half the threads and connections each.

    Returns a row per node, then one with the summed rate. wrk processes cannot merge their
    latency histograms, so the sum row has no percentiles.
    """
    threads = max(1, args.threads // 2)
    connections = max(threads, args.connections // 2)
    seconds = max(args.duration, *(target.minimum_seconds for target in targets))
    rows = [Row(operation.name, target.system, target.users) for target in targets]
    for row, target in zip(rows, targets):
        problem = target.probe() if target.probe else None
        if problem:
            row.error = f"probe failed: {problem}"
    if any(row.error for row in rows):
        return rows + [Row(operation.name, "2 nodes, sum", targets[0].users, error="a node's probe failed")]

    def commands(phase: str, length: float) -> list[tuple[Server, list[str]]]:
        return [
            (target.server, wrk_command(target.server, operation.script, target.script_args(phase), length,
                                        threads, connections, headers))
            for target in targets
        ]

    if args.warmup:
        run_wrk_together(commands("warmup", args.warmup), args.warmup)
        for target in targets:
            target.server.wait_until_idle()
        problem = targets[0].after_run() if targets[0].after_run else None
        if problem:
            for row in rows:
                row.error = f"after the warm-up: {problem}"
            return rows + [Row(operation.name, "2 nodes, sum", targets[0].users, error=problem)]
    for target in targets:
        target.server.reset_peak_rss()
    results = run_wrk_together(commands("measured", seconds), seconds)
    for target in targets:
        target.server.wait_until_idle()
    for row, target, result in zip(rows, targets, results):
        row.peak_rss = target.server.peak_rss_bytes()
        fill_row(row, result, seconds, target.minimum_requests)
    problem = targets[0].after_run() if targets[0].after_run else None
    if problem:
        for row in rows:
            row.error = row.error or f"after the measured run: {problem}"

    total = Row(operation.name, "2 nodes, sum", targets[0].users)
    total.requests = sum(row.requests for row in rows)
    errors = [f"{row.system}: {row.error}" for row in rows if row.error]
    if errors:
        total.error = "; ".join(errors)
    else:
        total.requests_per_second = sum(row.requests_per_second for row in rows)
    return rows + [total]


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
    # The table's system column; "scimd" for every scimd server unless given.
    system: str = ""
    # Run after each wrk run, warm-up included, to undo the run's changes; returns a problem
    # description or None.
    after_run: Callable[[], str | None] | None = None
    minimum_requests: int = 1
    minimum_seconds: float = 0
    # Return how many changes the store has counted for the resource under load; a row whose
    # requests did not all change it reports an error.
    count_changes: Callable[[], int] | None = None

    def __post_init__(self) -> None:
        if not self.system:
            self.system = "scimd" if self.server.name.startswith("scimd") else self.server.name


@dataclass
class Operation:
    key: str
    name: str
    script: str
    targets: list[Target]
    # Load all targets at once (several nodes over one database) instead of one after another.
    together: bool = False


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
# Groups and PostgreSQL


GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


@dataclass
class BenchGroup:
    """A group seeded for the membership rows, with its expected member count."""

    size: int
    id: str
    display_name: str


@dataclass
class SparePool:
    """Users kept out of every group, which the group-PATCH rows add and remove.

    The pool is cut into slices, one per wrk thread over all wrk processes of a row. Each
    thread keeps `lag` users of its slice in the group (see group_patch.lua).
    """

    path: str
    user_ids: list[str]
    slices: int
    lag: int


def group_path(group_id: str) -> str:
    return f"/Groups/{group_id}?excludedAttributes=members"


def patch_members(server: Server, headers: dict[str, str], group_id: str, op: str, user_ids: list[str]) -> str | None:
    """Add or remove the given members in one PATCH; return a problem description or None."""
    body = {
        "schemas": [PATCH_OP],
        "Operations": [{"op": op, "path": "members", "value": [{"value": user_id} for user_id in user_ids]}],
    }
    status, response = request_json(server, group_path(group_id), headers, "PATCH", body)
    if status != 200:
        return (f"PATCH {server.base_path}{group_path(group_id)} ({op} {len(user_ids)} members) "
                f"returned {status}, expected 200: {str(response)[:200]}")
    if "members" in response:
        return f"PATCH {server.base_path}{group_path(group_id)} returned members despite excludedAttributes"
    return None


def check_members(database: str, group: BenchGroup) -> None:
    """Check that the group contains exactly its expected members, counted in the SQLite store.

    Counting in the file keeps scimd from rendering the whole group, which for 100,000 members
    would raise its resident memory for every later row.
    """
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        (count,) = connection.execute("SELECT count(*) FROM group_members WHERE group_id = ?",
                                      (group.id,)).fetchone()
    connection.close()
    if count != group.size:
        raise RuntimeError(f"group {group.display_name} ({group.id}) has {count} members in {database}, "
                           f"expected {group.size}")


def seed_groups(server: Server, database: str, headers: dict[str, str], users: list[tuple[str, str]],
                sizes: list[int]) -> list[BenchGroup]:
    """Create one group per size, filled with the first users by PATCHes of up to 1,000 members."""
    groups = []
    for size in sizes:
        name = f"bench-{size}"
        status, body = request_json(server, "/Groups", headers, "POST",
                                    {"schemas": [GROUP_SCHEMA], "displayName": name, "members": []})
        if status != 201:
            raise RuntimeError(f"{server.name}: POST /Groups for {name} returned {status}, expected 201: "
                               f"{str(body)[:200]}")
        group = BenchGroup(size, body["id"], name)
        started = time.monotonic()
        member_ids = [user_id for user_id, _ in users[:size]]
        for start in range(0, size, MEMBERS_PER_SEED_PATCH):
            problem = patch_members(server, headers, group.id, "add",
                                    member_ids[start:start + MEMBERS_PER_SEED_PATCH])
            if problem:
                raise RuntimeError(f"seeding group {name}: {problem}")
        seeded = time.monotonic() - started
        check_members(database, group)
        print(f"  group {name}: {size} members in {seeded:.1f} s")
        groups.append(group)
    return groups


def group_sizes(users: int) -> list[int]:
    return sorted({min(size, users) for size in GROUP_SIZES})


def prepare_spare_pool(server: Server, headers: dict[str, str], args, out: str) -> SparePool:
    """Create the spare users after the seeded ones, so that no group contains them."""
    threads_per_process = max(1, args.threads // 2)
    in_flight = max(-(-args.connections // args.threads),
                    -(-max(threads_per_process, args.connections // 2) // threads_per_process))
    # Larger than the requests one thread can have in flight, so that a remove never overtakes
    # the add of the same user.
    lag = in_flight + 8
    slices = max(args.threads, 2 * threads_per_process)
    slice_size = 2 * lag + 16
    count = slices * slice_size
    print(f"creating {count} spare users for the group-PATCH rows")
    pairs = seed_users(server, {**headers, "Content-Type": SCIM_JSON},
                       args.users + 1, args.users + count, connections=8)
    path = os.path.join(out, "spare-users.tsv")
    write_users_file(path, pairs)
    return SparePool(path, [user_id for user_id, _ in pairs], slices, lag)


def probe_group(server: Server, group: BenchGroup, headers: dict[str, str]) -> Callable[[], str | None]:
    """Return a probe that GETs the group without members and checks its displayName."""
    def check(body: dict) -> str | None:
        if body.get("displayName") != group.display_name:
            return f"expected displayName {group.display_name}, got {body.get('displayName')}"
        if "members" in body:
            return "excludedAttributes=members returned members"
        return None
    return probe_get(server, group_path(group.id), headers, check)


def group_version_reader(database: str, group: BenchGroup) -> Callable[[], int]:
    """Return a function that reads the group's version from a SQLite store that a server has open.

    scimd raises the version once for each PATCH that changes the group, and WAL mode lets this
    read run beside the server's writes.
    """
    def read() -> int:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
            (version,) = connection.execute("SELECT version FROM groups WHERE id = ?", (group.id,)).fetchone()
        connection.close()
        return version
    return read


def patch_target(server: Server, users: int, group: BenchGroup, pool: SparePool, headers: dict[str, str],
                 first_slice: int = 0, slices: int | None = None, system: str = "",
                 minimum_requests: int = GROUP_PATCH_MIN_REQUESTS, database: str | None = None) -> Target:
    """Target for group_patch.lua; after each run one PATCH removes every spare user again.

    With the SQLite store's path, the row also checks that every PATCH changed the group.
    """
    arguments = [group.id, pool.path, str(first_slice), str(slices or pool.slices), str(pool.lag)]
    return Target(
        server, users, lambda phase: arguments, probe_group(server, group, headers), system=system,
        after_run=lambda: patch_members(server, headers, group.id, "remove", pool.user_ids),
        minimum_requests=minimum_requests, minimum_seconds=GROUP_PATCH_MIN_SECONDS,
        count_changes=group_version_reader(database, group) if database else None,
    )


def build_group_operations(server: Server, database: str, users: int, groups: list[BenchGroup], pool: SparePool,
                           headers: dict[str, str]) -> list[Operation]:
    operations = [
        Operation(f"group_patch_{group.size}", f"group PATCH add/remove 1 member, {group.size} members",
                  "group_patch.lua", [patch_target(server, users, group, pool, headers, database=database)])
        for group in groups
    ]
    for group in (groups[0], groups[-1]) if len(groups) > 1 else groups:
        operations.append(Operation(
            f"group_get_{group.size}", f"GET /Groups/{{id}} without members, {group.size} members",
            "get_group.lua", [Target(server, users, lambda phase, group=group: [group.id],
                                     probe_group(server, group, headers))],
        ))
    return operations


class PostgresCluster:
    """The throwaway cluster of scripts/postgres-test-cluster, on 127.0.0.1 only."""

    def __init__(self, directory: str, port: int) -> None:
        self.script = os.path.join(REPO_DIR, "scripts", "postgres-test-cluster")
        self.options = ["--dir", directory, "--port", str(port)]
        self.directory = directory
        self.started = False

    def start(self) -> str:
        """Create and start a fresh cluster; return its URL."""
        if os.path.exists(self.directory):
            print(f"removing the cluster left in {self.directory} by an earlier run")
            self.stop()
        self.started = True
        result = subprocess.run([self.script, "start", *self.options], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"scripts/postgres-test-cluster start failed ({result.returncode}): "
                               f"{result.stderr.strip()}")
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        result = subprocess.run([self.script, "stop", "--remove", *self.options], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"warning: scripts/postgres-test-cluster stop failed ({result.returncode}): "
                  f"{result.stderr.strip()}")
        self.started = False


def migrate_store(binary: str, source: str, url: str) -> None:
    started = time.monotonic()
    result = subprocess.run([binary, "migrate-store", "--from", source, "--to", url],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"scimd migrate-store failed ({result.returncode}): {result.stderr.strip()}")
    print(f"  copied {os.path.basename(source)} into PostgreSQL in {time.monotonic() - started:.1f} s")


def build_postgres_operations(nodes: list[Server], files: dict[str, str], users: int, sample: tuple[str, str],
                              group: BenchGroup, pool: SparePool, headers: dict[str, str],
                              threads: int) -> list[Operation]:
    """List the PostgreSQL operations: each request on one node, then on two nodes at once."""
    threads_per_process = max(1, threads // 2)
    one, two = "scimd, 1 node", ["scimd, node 1 of 2", "scimd, node 2 of 2"]

    def user_file(phase):
        return [files["large"]]

    def run_word(letter):
        return lambda phase: [f"{letter}{phase[0]}{int(time.time())}"]

    def get_target(node, system):
        return Target(node, users, user_file, probe_get(node, f"/Users/{sample[0]}", headers), system=system)

    def filter_target(node, system):
        return Target(node, users, user_file,
                      probe_get(node, quoted_filter(sample[1]), headers, expect_resources(1, 1)), system=system)

    def post_target(node, letter, system):
        return Target(node, users, run_word(letter), system=system)

    def patch_two(index):
        return patch_target(nodes[index], users, group, pool, headers, first_slice=index * threads_per_process,
                            slices=2 * threads_per_process, system=two[index], minimum_requests=1)

    patch_name = f"PostgreSQL: group PATCH add/remove 1 member, {group.size} members"
    return [
        Operation("pg_get", "PostgreSQL: GET /Users/{id}", "get_user.lua", [get_target(nodes[0], one)]),
        Operation("pg2_get", "PostgreSQL: GET /Users/{id}", "get_user.lua",
                  [get_target(node, system) for node, system in zip(nodes, two)], together=True),
        Operation("pg_filter", f"PostgreSQL: filter userName eq, {users} users", "filter_username.lua",
                  [filter_target(nodes[0], one)]),
        Operation("pg2_filter", f"PostgreSQL: filter userName eq, {users} users", "filter_username.lua",
                  [filter_target(node, system) for node, system in zip(nodes, two)], together=True),
        Operation("pg_post", "PostgreSQL: POST /Users", "post_user.lua", [post_target(nodes[0], "g", one)]),
        Operation("pg2_post", "PostgreSQL: POST /Users", "post_user.lua",
                  [post_target(node, letter, system) for node, letter, system in zip(nodes, "hi", two)],
                  together=True),
        Operation("pg_patch", patch_name, "group_patch.lua",
                  [patch_target(nodes[0], users, group, pool, headers, system=one, minimum_requests=1)]),
        Operation("pg2_patch", patch_name, "group_patch.lua", [patch_two(0), patch_two(1)], together=True),
    ]


# ---------------------------------------------------------------------------
# rfc profile: compound filter, userName sw and the cursor walk


@dataclass
class RFCFiles:
    """Files of the rfc rows' wrk scripts, with the sample each probe sends."""

    users: str
    # Percent-encoded filters, one a line: the compound e-mail filter of each active user,
    # and every userName prefix that matches PREFIX_MATCHES users.
    email_filters: str
    prefix_filters: str
    # (id, filter) of the probes: an active user's compound filter and one prefix filter.
    email_sample: tuple[str, str]
    prefix_sample: str


def email_filter(index: int) -> str:
    return f'emails[type eq "work"].value eq "{rfc_work_email(index)}" and active eq true'


def prefix_filter(prefix_number: int) -> str:
    return f'userName sw "user-{prefix_number:05d}"'


def write_rfc_files(out: str, users: list[tuple[str, str]], size: str) -> RFCFiles:
    """Write the rfc rows' input files for the seeded users, where list index i is user i + 1."""
    users_path = os.path.join(out, f"users-rfc-{size}.tsv")
    write_users_file(users_path, users)

    active = [(user_id, email_filter(index)) for index, (user_id, _) in enumerate(users, start=1)
              if rfc_user_is_active(index)]
    email_path = os.path.join(out, f"rfc-email-filters-{size}.txt")
    with open(email_path, "w") as email_file:
        email_file.writelines(urllib.parse.quote(text, safe="") + "\n" for _, text in active)

    # Prefix k matches indexes 10k to 10k+9, so k runs from 1 to the last k whose ten users all exist.
    prefixes = [prefix_filter(number) for number in range(1, len(users) // PREFIX_MATCHES)]
    prefix_path = os.path.join(out, f"rfc-prefix-filters-{size}.txt")
    with open(prefix_path, "w") as prefix_file:
        prefix_file.writelines(urllib.parse.quote(text, safe="") + "\n" for text in prefixes)
    return RFCFiles(users_path, email_path, prefix_path, active[len(active) // 2], prefixes[len(prefixes) // 2])


def probe_email_filter(server: Server, sample: tuple[str, str], headers: dict[str, str]) -> Callable[[], str | None]:
    """Return a probe that the compound filter returns exactly the sample user."""
    def check(body: dict) -> str | None:
        problem = expect_resources(1, 1)(body)
        if problem is None and body["Resources"][0].get("id") != sample[0]:
            return f"expected the user {sample[0]}, got {body['Resources'][0].get('id')}"
        return problem
    return probe_get(server, "/Users?filter=" + urllib.parse.quote(sample[1], safe=""), headers, check)


def probe_prefix_filter(server: Server, text: str, headers: dict[str, str]) -> Callable[[], str | None]:
    """Return a probe that the sw filter returns PREFIX_MATCHES users, each with the prefix."""
    prefix = text.split('"')[1]

    def check(body: dict) -> str | None:
        problem = expect_resources(PREFIX_MATCHES, PREFIX_MATCHES)(body)
        names = [resource.get("userName", "") for resource in body.get("Resources", [])]
        if problem is None and not all(name.startswith(prefix) for name in names):
            return f"expected userNames starting with {prefix}, got {names}"
        return problem
    return probe_get(server, "/Users?filter=" + urllib.parse.quote(text, safe=""), headers, check)


def build_rfc_operations(large: Server, small: Server, files: dict[str, RFCFiles], users: dict[str, int],
                         headers: dict[str, str]) -> list[Operation]:
    """List the rfc rows that wrk measures: GET by id on the large store and both filters on both stores."""
    sample_id = files["large"].email_sample[0]
    operations = [
        Operation("rfc_get", "rfc: GET /Users/{id}", "get_user.lua", [
            Target(large, users["large"], lambda phase: [files["large"].users],
                   probe_get(large, f"/Users/{sample_id}", headers)),
        ]),
    ]
    for size, server in (("small", small), ("large", large)):
        size_files, count = files[size], users[size]
        operations += [
            Operation(f"rfc_filter_email_{size}",
                      f'rfc: filter emails[type eq "work"].value eq and active, {count} users', "filter_total.lua", [
                          Target(server, count, lambda phase, f=size_files: [f.email_filters, "1"],
                                 probe_email_filter(server, size_files.email_sample, headers)),
                      ]),
            Operation(f"rfc_filter_sw_{size}", f"rfc: filter userName sw, {PREFIX_MATCHES} matches, {count} users",
                      "filter_total.lua", [
                          Target(server, count, lambda phase, f=size_files: [f.prefix_filters, str(PREFIX_MATCHES)],
                                 probe_prefix_filter(server, size_files.prefix_sample, headers)),
                      ]),
        ]
    return operations


def walk_users_by_cursor(server: Server, headers: dict[str, str], expected_total: int) -> tuple[list[str], list[float]]:
    """GET /Users by cursor in pages of 100 on one keep-alive connection until a page has no nextCursor.

    Returns the ids in the order served and the seconds from sending each request to reading its
    whole response. Raises RuntimeError when a page is not 200, the server closes the connection, or
    the walk has not ended after the pages that expected_total users need plus one.
    """
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    ids: list[str] = []
    page_seconds: list[float] = []
    cursor: str | None = ""
    while cursor is not None:
        if len(page_seconds) > expected_total // PAGE_SIZE + 1:
            repeated = len(ids) - len(set(ids))
            raise RuntimeError(
                f"the cursor walk did not end: {len(page_seconds)} pages served, but {expected_total} users fit in "
                f"{-(-expected_total // PAGE_SIZE)}; {repeated} of the {len(ids)} users served had been served before")
        path = f"{server.base_path}/Users?count={PAGE_SIZE}&cursor={urllib.parse.quote(cursor, safe='')}"
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        page_seconds.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"GET {path} returned {response.status}, expected 200: {payload[:200]!r}")
        if response.will_close:
            raise RuntimeError(f"{server.name} closed the connection after GET {path}")
        body = json.loads(payload)
        ids += [resource["id"] for resource in body.get("Resources", [])]
        cursor = body.get("nextCursor")
    connection.close()
    return ids, page_seconds


def walk_problem(ids: list[str], seeded: list[tuple[str, str]], expected_total: int) -> str | None:
    """Describe what the walk got wrong: a user served twice, a seeded user missing, a wrong count."""
    parts = []
    served = set(ids)
    if len(served) != len(ids):
        parts.append(f"{len(ids) - len(served)} users served more than once")
    missing = [user_id for user_id, _ in seeded if user_id not in served]
    if missing:
        parts.append(f"{len(missing)} seeded users never served, the first {missing[0]}")
    if len(served) != expected_total:
        parts.append(f"{len(served)} distinct users served, expected {expected_total}")
    return "; ".join(parts) or None


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of the values, share between 0 and 1."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure_cursor_walk(server: Server, headers: dict[str, str], seeded: list[tuple[str, str]],
                        operation: Operation, warmup: bool) -> Row:
    """Walk every user of the server's store once by cursor (twice with warmup) and time the last walk.

    The row's req/s is pages per second, and p50 and p99 are those of one page. raw["seconds"] is
    the time of the whole walk, the client's work included.
    """
    # The store contains the seeded users plus the team admin.
    expected_total = len(seeded) + 1
    row = Row(operation.name, "scimd", len(seeded))
    try:
        if warmup:
            walk_users_by_cursor(server, headers, expected_total)
            server.wait_until_idle()
        server.reset_peak_rss()
        started = time.perf_counter()
        ids, page_seconds = walk_users_by_cursor(server, headers, expected_total)
        seconds = time.perf_counter() - started
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        row.error = f"{type(error).__name__}: {error}"
        return row
    server.wait_until_idle()
    row.peak_rss = server.peak_rss_bytes()
    row.error = walk_problem(ids, seeded, expected_total)
    row.requests = len(page_seconds)
    row.raw = {"seconds": seconds, "pages": len(page_seconds), "users_served": len(ids)}
    if row.error is None:
        row.requests_per_second = len(page_seconds) / seconds
        row.p50_ms = percentile(page_seconds, 0.50) * 1000
        row.p99_ms = percentile(page_seconds, 0.99) * 1000
        row.note = f"{len(ids):,} users in {len(page_seconds):,} pages: {seconds:.2f} s"
    return row


def measure_rfc(binary: str, args, out: str, rows: dict[tuple[str, str], Row],
                entries: list[tuple[Operation, Row]]) -> list[Operation]:
    """Seed the rfc stores, measure the rfc rows and return their operations.

    wrk measures GET by id and the two filters on the large store. Then one client walks the
    large store and the small store by cursor.
    """
    small_users = args.users // RFC_SMALL_DIVISOR
    key, stores, users = prepare_scimd_stores(binary, args, out, small_users, "scimd-rfc", "rfc")
    headers = {"Authorization": f"Bearer {key}"}
    files = {size: write_rfc_files(out, users[size], size) for size in ("large", "small")}

    large = start_scimd("scimd-rfc-large", binary, stores["large"], out, "rfc")
    small = start_scimd("scimd-rfc-small", binary, stores["small"], out, "rfc")
    operations = build_rfc_operations(large, small, files, {"large": args.users, "small": small_users}, headers)
    measure_operations(operations, args, headers, rows, entries)

    walks = []
    for size, server in (("large", large), ("small", small)):
        operation = Operation(f"rfc_walk_{size}", f"rfc: walk all users by cursor, pages of {PAGE_SIZE}, "
                              f"{len(users[size])} users", "", [])
        print(f"{operation.name}: {server.name} ...", end=" ", flush=True)
        row = measure_cursor_walk(server, headers, users[size], operation, warmup=bool(args.warmup))
        print(describe_row(row) + (f"; {row.note}" if row.note else ""))
        server.stop()
        RUNNING.remove(server)
        rows[(operation.key, row.system)] = row
        walks.append((operation, row))
    entries += walks
    return operations + [operation for operation, _ in walks]


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
    # The peak-RSS target, which the checks list sums up in one line.
    rss: bool = False
    # The table's system the check belongs to; empty for the operation's scimd row.
    system: str = ""
    # With at_most, the value must stay below the limit rather than at most reach it.
    strict: bool = False

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.at_most:
            return self.value < self.limit if self.strict else self.value <= self.limit
        return self.value >= self.limit


def ratio(numerator: Row | None, denominator: Row | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    if not numerator.requests_per_second or not denominator.requests_per_second:
        return None
    return numerator.requests_per_second / denominator.requests_per_second


def latency_ratio(numerator: Row | None, denominator: Row | None, attribute: str) -> float | None:
    values = [getattr(row, attribute) if row is not None else None for row in (numerator, denominator)]
    if None in values or not values[1]:
        return None
    return values[0] / values[1]


def group_checks(rows: dict[tuple[str, str], Row], prefix: str, smallest: int, largest: int) -> list[Check]:
    """Compare the largest group's row with the smallest group's: p50, p99 and req/s within 1.5 times."""
    small, large = rows.get((f"{prefix}_{smallest}", "scimd")), rows.get((f"{prefix}_{largest}", "scimd"))
    key = f"{prefix}_{largest}"
    factor = GROUP_SIZE_FACTOR
    versus = f"{smallest}-member group's"
    rate = ratio(small, large)
    return [
        Check(key, f"p50 ≤ {factor}× {smallest} members", f"p50 at most {factor} times the {versus}",
              latency_ratio(large, small, "p50_ms"), factor, at_most=True),
        Check(key, f"p99 ≤ {factor}× {smallest} members", f"p99 at most {factor} times the {versus}",
              latency_ratio(large, small, "p99_ms"), factor, at_most=True),
        Check(key, f"req/s ≥ 1/{factor} of {smallest} members",
              f"{versus} req/s divided by this one's at most {factor}", rate, factor, at_most=True),
    ]


def walk_time_ratio(rows: dict[tuple[str, str], Row]) -> float | None:
    """Return the large rfc store's cursor walk time divided by the small store's."""
    large, small = rows.get(("rfc_walk_large", "scimd")), rows.get(("rfc_walk_small", "scimd"))
    if large is None or small is None or large.error or small.error:
        return None
    return large.raw["seconds"] / small.raw["seconds"]


def rfc_checks(rows: dict[tuple[str, str], Row]) -> list[Check]:
    """Compare each rfc filter and the cursor walk on the large store with the same on the small store."""
    def scimd(key):
        return rows.get((key, "scimd"))

    small = scimd("rfc_walk_small")
    versus = f"{small.users} users" if small else "the small store"
    return [
        *(Check(f"{key}_large", f"≥ {RFC_FILTER_SCALING:.0%} of {versus}",
                f"req/s at least {RFC_FILTER_SCALING:.0%} of the same filter's on {versus}",
                ratio(scimd(f"{key}_large"), scimd(f"{key}_small")), RFC_FILTER_SCALING)
          for key in ("rfc_filter_email", "rfc_filter_sw")),
        Check("rfc_walk_large", f"time < {CURSOR_WALK_FACTOR}× {versus}",
              f"walk time less than {CURSOR_WALK_FACTOR} times the walk of {versus} (linear: {RFC_SMALL_DIVISOR})",
              walk_time_ratio(rows), CURSOR_WALK_FACTOR, at_most=True, strict=True),
    ]


def evaluate_targets(rows: dict[tuple[str, str], Row], scimd_rows: list[tuple[str, Row]],
                     sizes: list[int]) -> list[Check]:
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
    if len(sizes) > 1:
        checks += group_checks(rows, "group_patch", sizes[0], sizes[-1])
        checks += group_checks(rows, "group_get", sizes[0], sizes[-1])
    checks += rfc_checks(rows)
    for key, row in scimd_rows:
        value = None if row.peak_rss is None else row.peak_rss / MIB
        checks.append(Check(key, "RSS ≤ 64 MiB", "peak RSS at most 64 MiB", value, 64, at_most=True, rss=True,
                            system=row.system))
    return checks


def format_number(value: float | None, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def format_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def render_table(entries: list[tuple[Operation, Row]], rows: dict[tuple[str, str], Row],
                 checks: list[Check]) -> str:
    """Render one line per measured row, in the order they were measured."""
    lines = [
        "| operation | system | users | req/s | p50 ms | p99 ms | peak RSS MiB "
        "| vs scim2-server | vs ceiling | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for operation, row in entries:
        versus_peer = versus_ceiling = None
        # A check without a system belongs to the operation's scimd row.
        own = [check for check in checks
               if check.operation == operation.key and (check.system or "scimd") == row.system]
        verdicts = [
            f"{check.label}: {'no figure' if check.met is None else ('met' if check.met else 'MISSED')}"
            for check in own
        ]
        if row.system == "scimd":
            versus_peer = ratio(row, rows.get((operation.key, "scim2-server")))
            versus_ceiling = ratio(row, rows.get((operation.key, "ceiling")))
        if row.note:
            verdicts.insert(0, row.note)
        if row.error:
            error = row.error.replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {operation.name} | {row.system} | {row.users or '—'} | ERRORS: {error} | | | "
                f"| — | — | {'; '.join(verdicts)} |"
            )
            continue
        lines.append(
            f"| {operation.name} | {row.system} | {row.users or '—'} "
            f"| {format_number(row.requests_per_second, '{:,.0f}')} "
            f"| {format_number(row.p50_ms, '{:.2f}')} "
            f"| {format_number(row.p99_ms, '{:.2f}')} "
            f"| {format_number(None if row.peak_rss is None else row.peak_rss / MIB, '{:.1f}')} "
            f"| {format_ratio(versus_peer)} | {format_ratio(versus_ceiling)} | {'; '.join(verdicts)} |"
        )
    return "\n".join(lines)


def format_check_value(value: float) -> str:
    """Format a ratio with two decimals, or with two significant digits when that would print 0.00."""
    return f"{value:.2f}" if abs(value) >= 0.005 else f"{value:.2g}"


def render_checks(checks: list[Check], operations: list[Operation]) -> str:
    """List each target once; the RSS target becomes one line with the largest peak."""
    names = {operation.key: operation.name for operation in operations}
    rss_checks = [check for check in checks if check.rss]
    checks = [check for check in checks if not check.rss]
    if rss_checks:
        measured = [check for check in rss_checks if check.value is not None]
        largest = max(measured, key=lambda check: check.value) if measured else rss_checks[0]
        where = f"{names.get(largest.operation, largest.operation)} ({largest.system})"
        checks.append(Check(f"every scimd row, largest in {where}", largest.label, "peak RSS at most 64 MiB",
                            largest.value, largest.limit, at_most=True, rss=True))
    lines = []
    for check in checks:
        if check.met is None:
            verdict, value = "no figure", "—"
        else:
            verdict = "met" if check.met else "MISSED"
            value = f"{check.value:.1f} MiB" if check.rss else format_check_value(check.value)
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
        *([f"PostgreSQL: {postgres_version()}, cluster of scripts/postgres-test-cluster (fsync=off)"]
          if args.postgres else []),
    ]


def postgres_version() -> str:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                      key=lambda path: [int(part) for part in re.findall(r"\d+", path)])
    if not binaries:
        return "not installed"
    result = subprocess.run([binaries[-1], "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown version"


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


def prepare_scimd_stores(binary: str, args, out: str, small_users: int, name: str = "scimd",
                         profile: str = "postman") -> tuple[str, dict, dict]:
    """Create the small and the large store through a scimd of the profile.

    Returns the API key, the store paths and the users. The users get the profile's seeding bodies
    (USER_BODIES), and the store files are named after name.
    """
    small_db = os.path.join(out, f"{name}-small.sqlite")
    large_db = os.path.join(out, f"{name}-large.sqlite")
    key = create_team(binary, small_db)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": SCIM_JSON}

    print(f"seeding {name} ({profile} profile) with {small_users} then {args.users} users")
    seeder = start_scimd(f"{name}-seed", binary, small_db, out, profile)
    small = seed_users(seeder, headers, 1, small_users, connections=8, body_kind=profile)
    check_total(seeder, headers, small_users + 1)
    seeder.stop()
    RUNNING.remove(seeder)

    copy_store(small_db, large_db)
    seeder = start_scimd(f"{name}-seed", binary, large_db, out, profile)
    rest = seed_users(seeder, headers, small_users + 1, args.users, connections=8, body_kind=profile)
    check_total(seeder, headers, args.users + 1)
    seeder.stop()
    RUNNING.remove(seeder)
    return key, {"small": small_db, "large": large_db}, {"small": small, "large": small + rest}


def measure_operations(operations: list[Operation], args, headers: dict[str, str],
                       rows: dict[tuple[str, str], Row], entries: list[tuple[Operation, Row]]) -> None:
    """Measure each operation's targets and record their rows, printing each as it completes.

    Each row is stored under its system, such as "scimd", which the targets compare. The
    entries keep the measuring order for the table.
    """
    for operation in operations:
        if operation.together:
            print(f"{operation.name}: {len(operation.targets)} nodes at once ...", end=" ", flush=True)
            measured = measure_two_nodes(operation, operation.targets, args, headers)
        else:
            measured = []
            for target in operation.targets:
                print(f"{operation.name}: {target.server.name} ...", end=" ", flush=True)
                measured.append(measure(operation, target, args, headers))
                print(describe_row(measured[-1]))
        if operation.together:
            print("; ".join(f"{row.system}: {describe_row(row)}" for row in measured))
        for row in measured:
            rows[(operation.key, row.system)] = row
            entries.append((operation, row))


def describe_row(row: Row) -> str:
    if row.error:
        return f"ERRORS: {row.error}"
    text = f"{row.requests_per_second:,.0f} req/s"
    if row.p50_ms is not None:
        text += f", p50 {row.p50_ms:.2f} ms, p99 {row.p99_ms:.2f} ms"
    if row.peak_rss is not None:
        text += f", peak RSS {row.peak_rss / MIB:.1f} MiB"
    return text


def measure_postgres(binary: str, store: str, args, out: str, headers: dict[str, str], files: dict[str, str],
                     users: int, sample: tuple[str, str], group: BenchGroup, pool: SparePool,
                     cluster: PostgresCluster) -> list[Operation]:
    """Copy the large store into a fresh PostgreSQL cluster and return its operations on two nodes."""
    print(f"starting PostgreSQL in {args.postgres_dir} on 127.0.0.1:{args.postgres_port}")
    url = cluster.start()
    migrate_store(binary, store, url)
    nodes = [start_scimd(f"scimd-pg-{number}", binary, url, out) for number in (1, 2)]
    for node in nodes:
        status, body = request_json(node, "/Users?count=0", headers)
        if status != 200 or (body.get("totalResults") or 0) < users + 1:
            raise RuntimeError(f"{node.name}: GET /Users?count=0 returned {status} with totalResults "
                               f"{body.get('totalResults')}, expected 200 and at least {users + 1}")
    return build_postgres_operations(nodes, files, users, sample, group, pool, headers, args.threads)


def add_scaling_notes(entries: list[tuple[Operation, Row]], rows: dict[tuple[str, str], Row],
                      sizes: list[int]) -> None:
    """Note the ratios that the targets compare on the rows they concern.

    The largest group's rows get their p50, p99 and req/s relative to the 10-member group's, and
    each two-node sum row its rate relative to the same operation on one node. The large rfc store's
    cursor walk gets its time relative to the small store's.
    """
    for operation, row in entries:
        if row.system == "2 nodes, sum" and operation.key.startswith("pg2_"):
            single = rows.get((operation.key.replace("pg2_", "pg_"), "scimd, 1 node"))
            value = ratio(row, single)
            if value is not None:
                row.note = f"2 nodes / 1 node: {value:.2f}× req/s"
    walk_ratio = walk_time_ratio(rows)
    if walk_ratio is not None:
        small = rows[("rfc_walk_small", "scimd")]
        rows[("rfc_walk_large", "scimd")].note += f"; vs {small.users} users: {walk_ratio:.2f}× the time"
    if len(sizes) < 2:
        return
    for prefix in ("group_patch", "group_get"):
        small, large = rows.get((f"{prefix}_{sizes[0]}", "scimd")), rows.get((f"{prefix}_{sizes[-1]}", "scimd"))
        values = [latency_ratio(large, small, "p50_ms"), latency_ratio(large, small, "p99_ms"), ratio(large, small)]
        if large is None or None in values:
            continue
        comparison = (f"vs {sizes[0]} members: p50 {values[0]:.2f}×, p99 {values[1]:.2f}×, "
                      f"req/s {values[2]:.2f}×")
        large.note = f"{large.note}; {comparison}" if large.note else comparison


def measure_user_rows(binary: str, args, out: str, stores: dict[str, str], users: dict[str, list],
                      headers: dict[str, str], rows: dict[tuple[str, str], Row],
                      entries: list[tuple[Operation, Row]]) -> tuple[Server, dict, dict, list[Operation]]:
    """Measure the user rows on scimd's two stores, scim2-server and the ceiling.

    Seeds scim2-server first and adds its users to users. Stops every server but scimd on the
    large store, and returns that server, the users files, the sample users and the operations.
    """
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
    measure_operations(operations, args, headers, rows, entries)
    servers["small"].stop()
    servers["peer"].stop()
    servers["ceiling"].stop()
    return servers["large"], files, samples, operations


def measure_group_rows(large: Server, database: str, args, out: str, users: list[tuple[str, str]],
                       sizes: list[int], headers: dict[str, str], rows: dict[tuple[str, str], Row],
                       entries: list[tuple[Operation, Row]]) -> tuple[list[BenchGroup], SparePool, list[Operation]]:
    """Seed the spare users and the groups on the large store's server and measure the group rows."""
    print(f"seeding groups of {', '.join(str(size) for size in sizes)} members on {large.name}")
    pool = prepare_spare_pool(large, headers, args, out)
    groups = seed_groups(large, database, headers, users, sizes)
    operations = build_group_operations(large, database, len(users), groups, pool, headers)
    measure_operations(operations, args, headers, rows, entries)
    for group in groups:
        check_members(database, group)
    print("  every group contains its seeded members again")
    return groups, pool, operations


def measure_postman(binary: str, args, out: str, sizes: list[int], cluster: PostgresCluster,
                    rows: dict[tuple[str, str], Row], entries: list[tuple[Operation, Row]]) -> list[Operation]:
    """Seed the postman stores and measure the user rows, the group rows and the PostgreSQL rows."""
    key, stores, users = prepare_scimd_stores(binary, args, out, min(SMALL_USERS, args.users))
    headers = {"Authorization": f"Bearer {key}"}
    large, files, samples, operations = measure_user_rows(binary, args, out, stores, users, headers, rows, entries)
    groups, pool, group_operations = measure_group_rows(large, stores["large"], args, out, users["large"], sizes,
                                                        headers, rows, entries)
    operations += group_operations
    stop_all()

    if not args.postgres:
        print(args.postgres_note)
        return operations
    postgres_operations = measure_postgres(binary, stores["large"], args, out, headers, files, len(users["large"]),
                                           samples["large"], groups[-1], pool, cluster)
    measure_operations(postgres_operations, args, headers, rows, entries)
    return operations + postgres_operations


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
    started = time.monotonic()

    rows: dict[tuple[str, str], Row] = {}
    entries: list[tuple[Operation, Row]] = []
    operations: list[Operation] = []
    sizes = group_sizes(args.users)
    cluster = PostgresCluster(args.postgres_dir, args.postgres_port)
    rfc_minutes = None
    try:
        if args.only != "rfc":
            operations += measure_postman(binary, args, out, sizes, cluster, rows, entries)
        if args.rfc:
            rfc_started = time.monotonic()
            operations += measure_rfc(binary, args, out, rows, entries)
            rfc_minutes = (time.monotonic() - rfc_started) / 60
    finally:
        stop_all()
        if cluster.started:
            cluster.stop()

    add_scaling_notes(entries, rows, sizes)
    scimd_rows = [(operation.key, row) for operation, row in entries if row.system.startswith("scimd")]
    measured_keys = {operation.key for operation, _ in entries}
    checks = [check for check in evaluate_targets(rows, scimd_rows, sizes) if check.operation in measured_keys]
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    report = "\n".join([
        "",
        *facts,
        f"load average at the end: {load}",
        f"run time after the build: {(time.monotonic() - started) / 60:.1f} min",
        *([f"of which the rfc rows, seeding included: {rfc_minutes:.1f} min"] if rfc_minutes is not None else []),
        *([args.postgres_note] if args.postgres_note else []),
        "",
        render_table(entries, rows, checks),
        "",
        "Targets:",
        render_checks(checks, operations),
    ])
    print(report)
    with open(os.path.join(out, "report.md"), "w") as report_file:
        report_file.write(report + "\n")
    with open(os.path.join(out, "results.json"), "w") as results_file:
        json.dump([{"operation": operation.key, "server": row.system, **row.__dict__}
                   for operation, row in entries], results_file, indent=2)
    errors = [row for _, row in entries if row.error]
    if errors:
        print(f"\n{len(errors)} rows had errors and report no figures.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
