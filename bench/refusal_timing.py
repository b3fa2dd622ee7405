#!/usr/bin/env python3
"""Times the two 404s a stranger can get: a case that exists but is hidden from them, and a
case that does not exist. They must be indistinguishable in body and in time.

Usage: bench/refusal_timing.py [BASE_URL] [ROUNDS]  (default http://127.0.0.1:8080, 400)
against `pledge demo` (signs in as PCSO-6120, a colleague with no relationship to the cases).
Prints the median and 90th percentile of each, and their ratio.
"""
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

base = urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 400
conn = http.client.HTTPConnection(base.hostname, base.port or 80)

body = json.dumps({"person_id": "PCSO-6120", "password": "pledge-demo-2026"})
conn.request("POST", "/api/v1/session", body, {"content-type": "application/json"})
res = conn.getresponse()
res.read()
cookie = "; ".join(
    c.split(";")[0] for k, c in res.getheaders() if k.lower() == "set-cookie"
)
assert res.status == 200, res.status

def get(path):
    t = time.perf_counter()
    conn.request("GET", path, headers={"cookie": cookie})
    r = conn.getresponse()
    data = r.read()
    return time.perf_counter() - t, r.status, data

paths = {"hidden": "/api/v1/cases/WX-2026-0101", "missing": "/api/v1/cases/WX-2026-9999"}
times = {k: [] for k in paths}
answers = {}
for _ in range(20):  # warm up
    for p in paths.values():
        get(p)
for _ in range(rounds):
    for k, p in paths.items():
        dt, status, data = get(p)
        times[k].append(dt * 1000)
        answers[k] = (status, data)
assert answers["hidden"] == answers["missing"], answers
for k, ts in times.items():
    ts.sort()
    print(f"{k:8} median {statistics.median(ts):.3f} ms  p90 {ts[int(len(ts) * 0.9)]:.3f} ms")
print(f"ratio of medians (hidden / missing): {statistics.median(times['hidden']) / statistics.median(times['missing']):.3f}")
