#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""HTTP probes for tests/e2e/test_metrics.sh (stdlib only).

    http_probe.py get URL OUTFILE
        GET URL; write the body to OUTFILE; print "STATUS CONTENT-TYPE
        SECONDS" (status 0 if no answer within 5 s)
    http_probe.py post URL
        POST URL; print the status
    http_probe.py hold HOST PORT COUNT SECONDS
        open COUNT connections, send half a request line on each, keep
        them SECONDS (a slow client); print how many the server had closed
        by then
"""
import http.client
import socket
import sys
import time
import urllib.error
import urllib.request


def get(url, out):
    t0 = time.time()
    try:
        r = urllib.request.urlopen(url, timeout=5)
        body, status, ctype = r.read(), r.status, r.headers.get('Content-Type')
    except urllib.error.HTTPError as e:
        body, status, ctype = e.read(), e.code, e.headers.get('Content-Type')
    except (OSError, http.client.HTTPException):
        body, status, ctype = b'', 0, '-'
    open(out, 'wb').write(body)
    print(status, (ctype or '-').replace(' ', ''), '%.3f' % (time.time() - t0))


def post(url):
    try:
        r = urllib.request.urlopen(urllib.request.Request(url, data=b'x', method='POST'), timeout=5)
        print(r.status)
    except urllib.error.HTTPError as e:
        print(e.code)
    except OSError:
        print(0)


def hold(host, port, count, secs):
    conns = []
    for _ in range(count):
        s = socket.create_connection((host, port), timeout=2)
        s.sendall(b'GET /metr')
        conns.append(s)
    time.sleep(secs)
    closed = 0
    for s in conns:
        s.settimeout(0.2)
        try:
            closed += s.recv(1) == b''
        except socket.timeout:
            pass
        except OSError:
            closed += 1
        s.close()
    print(closed)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'get':
        get(sys.argv[2], sys.argv[3])
    elif cmd == 'post':
        post(sys.argv[2])
    elif cmd == 'hold':
        hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit('unknown command ' + cmd)
