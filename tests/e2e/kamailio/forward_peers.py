#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Peers of tests/e2e/test_forward.sh (Debian's python3).

  forward_peers.py send FAMILY      the UAS: sends every reply of CASES for
                                    that family to the proxy, from port 5070
  forward_peers.py recv DIR N T     the UAC: receives on ports 5060 and 5099
                                    of 198.18.2.2 and [2001:2:0:2::2] until N
                                    datagrams or T seconds; writes DIR/CALLID
                                    (the bytes) and DIR/CALLID.from ("ip port")
  forward_peers.py list FAMILY      the Call-IDs of that family's cases

The Call-ID names the case.  Every reply has our Via (the proxy's) on top
and the UAC's below it, in the shapes the fixture test covers.
"""
import os
import select
import socket
import sys
import time

PROXY = {4: "198.18.0.1", 6: "2001:2::1"}
UAC = {4: "198.18.2.2", 6: "2001:2:0:2::2"}
BODY = "v=0\r\no=- 1 1 IN IP4 198.18.2.2\r\ns=-\r\n"


def reply(fam, name, status, vias, crlf=True, pre=()):
    lines = ["SIP/2.0 " + status] + list(pre) + list(vias) + [
        "From: <sip:alice@example.com>;tag=uac-%s" % name,
        "To: <sip:bob@example.com>;tag=uas-%s" % name,
        "Call-ID: %s" % name,
        "CSeq: 1 INVITE",
        "Content-Type: application/sdp",
        "Content-Length: %d" % len(BODY),
    ]
    eol = "\r\n" if crlf else "\n"
    return (eol.join(lines) + eol + eol + BODY).encode()


def cases(fam):
    us = "SIP/2.0/UDP %s:5060;branch=z9hG4bK-proxy" % (
        PROXY[4] if fam == 4 else "[%s]" % PROXY[6])
    uac = UAC[4] if fam == 4 else "[%s]" % UAC[6]
    v = "v%d-" % fam
    c = [
        (v + "single", "480 Temporarily Unavailable",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], True, ()),
        (v + "comma", "486 Busy Here",
         ["Via: %s , SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % (us, uac)], True, ()),
        (v + "compact3", "487 Request Terminated",
         ["v: %s,SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac,SIP/2.0/UDP %s:5111" % (us, uac, uac)],
         True, ()),
        (v + "folded", "480 Temporarily Unavailable",
         ["Via: %s,\r\n  SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % (us, uac)], True, ()),
        (v + "received", "480 Temporarily Unavailable",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:7777;rport=5099;received=%s;branch=z9hG4bK-uac"
          % ("198.18.9.9" if fam == 4 else "[2001:2::99]", UAC[fam])], True, ()),
        (v + "portless", "480 Temporarily Unavailable",
         ["Via: " + us, "Via: SIP/2.0/UDP %s;branch=z9hG4bK-uac" % uac], True, ()),
        (v + "unchanged", "200 OK",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], True, ()),
        (v + "decline", "603 Decline",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], True, ()),
        (v + "lf", "480 Temporarily Unavailable",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], False, ()),
        (v + "noreason", "480 ",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], True, ()),
        (v + "before", "480 Temporarily Unavailable",
         ["Via: " + us, "Via: SIP/2.0/UDP %s:5099;branch=z9hG4bK-uac" % uac], True,
         ("Server: uas", "Warning: 399 uas \"hello\"")),
    ]
    return [(n, reply(fam, n, s, vias, crlf, pre)) for n, s, vias, crlf, pre in c]


def send(fam):
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.bind(("198.18.0.2" if fam == 4 else "2001:2::2", 5070))
    for _, data in cases(fam):
        s.sendto(data, (PROXY[fam], 5060))
        time.sleep(0.02)


def recv(out, n, t):
    socks = []
    for fam, af in ((4, socket.AF_INET), (6, socket.AF_INET6)):
        for port in (5060, 5099):
            s = socket.socket(af, socket.SOCK_DGRAM)
            s.bind((UAC[fam], port))
            socks.append(s)
    print("ready", flush=True)
    got = 0
    end = time.time() + t
    while got < n and time.time() < end:
        r, _, _ = select.select(socks, [], [], 0.1)
        for s in r:
            data, src = s.recvfrom(65535)
            cid = "unknown-%d" % got
            for line in data.split(b"\n"):
                if line.lower().startswith(b"call-id:"):
                    cid = line.split(b":", 1)[1].strip().decode()
            with open(os.path.join(out, cid), "wb") as f:
                f.write(data)
            with open(os.path.join(out, cid + ".from"), "w") as f:
                f.write("%s %d %d\n" % (src[0], src[1], s.getsockname()[1]))
            got += 1


def main():
    if sys.argv[1] == "send":
        send(int(sys.argv[2]))
    elif sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif sys.argv[1] == "list":
        print("\n".join(n for n, _ in cases(int(sys.argv[2]))))


if __name__ == "__main__":
    main()
