#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Client side of tests/e2e/test_kamailio_front.sh (Debian's python3).

  front_client.py FAMILY SAVE_DIR          FAMILY = 4 | 6

sl-xdp (Server: sl-xdp-front) and Kamailio (Server: kamailio-behind, every
request -> 480 From Kamailio) share 198.18.0.1:5060 / [2001:2::1]:5060.
Sends, from port 5062 of the client address:
  OPTIONS                          -> 200 OK from sl-xdp
  INVITE, User-Agent friendly-scanner -> 403 Forbidden from sl-xdp, + its ACK
  OPTIONS, User-Agent friendly-scanner -> 403 from sl-xdp (first rule wins)
  INVITE                           -> 480 From Kamailio, + its ACK
  REGISTER                         -> 480 From Kamailio
and prints one TAP line per check.  Both compute the to-tag from the same
MD5 part (sl-xdp's tag_addr = Kamailio's first socket): the tags are
checked against tests/tools/sip_udp.py's independent implementation.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools"))
import sip_udp  # noqa: E402

SRV = {4: "198.18.0.1", 6: "2001:2::1"}
CLI = {4: "198.18.0.2", 6: "2001:2::2"}
PORT = 5062
XDP = b"Server: sl-xdp-front"
KAM = b"Server: kamailio-behind"
failed = 0


def tap(good, desc, *diag):
    global failed
    print(("ok - " if good else "not ok - ") + desc)
    if not good:
        failed += 1
        for d in diag:
            print("#   " + str(d))


def request(fam, method, name, ua=None, to_tag=None, branch=None, cseq=1):
    host = CLI[fam] if fam == 4 else "[%s]" % CLI[fam]
    srv = SRV[fam] if fam == 4 else "[%s]" % SRV[fam]
    branch = branch or "z9hG4bK-front-%s-v%d" % (name, fam)
    lines = [
        "%s sip:bob@%s SIP/2.0" % (method, srv),
        "Via: SIP/2.0/UDP %s:%d;branch=%s" % (host, PORT, branch),
        "Max-Forwards: 70",
        "From: <sip:alice@example.com>;tag=front-%s" % name,
        "To: <sip:bob@example.com>" + (";tag=" + to_tag if to_tag else ""),
        "Call-ID: front-%s-v%d@test" % (name, fam),
        "CSeq: %d %s" % (cseq, method),
    ]
    if ua:
        lines.append("User-Agent: " + ua)
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode(), branch


def exchange(sock, fam, payload, wait=1.0):
    sock.sendto(payload, (SRV[fam], 5060))
    end = time.monotonic() + wait
    sock.settimeout(wait)
    while time.monotonic() < end:
        try:
            data, peer = sock.recvfrom(65535)
        except socket.timeout:
            return None
        if peer[0] == SRV[fam] and peer[1] == 5060:
            return data
    return None


def hdr(reply, name):
    m = re.search(rb"(?mi)^" + name + rb"[ \t]*:[ \t]*([^\r\n]*)", reply)
    return m.group(1) if m else None


def totag(reply):
    to = hdr(reply, b"To") or b""
    m = re.search(rb";tag=([^;\s]+)$", to)
    return m.group(1).decode() if m else None


def want_tag(fam, branch, name):
    host = CLI[fam] if fam == 4 else "[%s]" % CLI[fam]
    return sip_udp.tag("KAMAILIO-stateless", "198.18.0.1", "5060", host, str(PORT),
                       branch, "front-%s-v%d@test" % (name, fam))


def expect(fam, sock, save, name, method, status, server, ua=None):
    """Send, check status + Server + to-tag; returns (reply, branch)."""
    payload, branch = request(fam, method, name, ua=ua)
    reply = exchange(sock, fam, payload)
    who = "sl-xdp" if server == XDP else "Kamailio"
    desc = "v%d %s%s -> %s from %s" % (fam, method, " (UA %s)" % ua if ua else "",
                                      status.decode(), who)
    if save:
        with open(os.path.join(save, "v%d-%s.reply" % (fam, name)), "wb") as f:
            f.write(reply or b"")
    if reply is None:
        tap(False, desc, "no reply")
        return None, branch
    first = reply.split(b"\r\n", 1)[0]
    probs = []
    if first != b"SIP/2.0 " + status:
        probs.append("status line %r" % first)
    srv = re.findall(rb"(?mi)^Server:[^\r\n]*", reply)
    if srv != [server]:
        probs.append("Server lines %r, want [%r]" % (srv, server))
    tag = totag(reply)
    if tag != want_tag(fam, branch, name):
        probs.append("to-tag %r, want %r" % (tag, want_tag(fam, branch, name)))
    tap(not probs, desc, *probs)
    return reply, branch


def main():
    fam = int(sys.argv[1])
    save = sys.argv[2] if len(sys.argv) > 2 else None
    sock = socket.socket(socket.AF_INET if fam == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind((CLI[fam], PORT))

    expect(fam, sock, save, "opt", "OPTIONS", b"200 OK", XDP)

    reply, branch = expect(fam, sock, save, "scan", "INVITE", b"403 Forbidden", XDP,
                           ua="friendly-scanner")
    if reply:
        # the ACK of our 403: absorbed in XDP (the shell checks the counters
        # and that Kamailio never logged it); nobody answers an ACK
        ack, _ = request(fam, "ACK", "scan", ua="friendly-scanner", to_tag=totag(reply),
                         branch=branch)
        got = exchange(sock, fam, ack, wait=0.3)
        tap(got is None, "v%d ACK of sl-xdp's 403: no reply" % fam, repr(got))

    expect(fam, sock, save, "scanopt", "OPTIONS", b"403 Forbidden", XDP,
           ua="Friendly-Scanner 1.0")

    reply, branch = expect(fam, sock, save, "inv", "INVITE", b"480 From Kamailio", KAM,
                           ua="front-test/1.0")
    if reply:
        # same tag format and MD5 part as ours, but sl-xdp never sent that
        # reply: the XDP program must pass this ACK to Kamailio
        ack, _ = request(fam, "ACK", "inv", ua="front-test/1.0", to_tag=totag(reply),
                         branch=branch)
        got = exchange(sock, fam, ack, wait=0.3)
        tap(got is None, "v%d ACK of Kamailio's 480: no reply" % fam, repr(got))

    expect(fam, sock, save, "reg", "REGISTER", b"480 From Kamailio", KAM,
           ua="front-test/1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
