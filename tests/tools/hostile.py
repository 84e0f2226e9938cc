#!/usr/bin/python3
"""Hostile traffic for the e2e tests: floods of junk with valid OPTIONS
interleaved, and a JSON summary of what came back.

  hostile.py DST PORT SIG ROUNDS
Each round sends one of each: random bytes, a truncated request, a request
without Via, a forged ACK (our signature, a random suffix), an oversize
(IP-fragmented) request, then one valid OPTIONS with a Call-ID never used
before. Prints {"valid_sent", "valid_answered", "junk_answered", ...}.
"""
import json
import os
import random
import socket
import sys
import time

dst, port, sig, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rnd = random.Random(4475)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("0.0.0.0", 0))
s.setblocking(False)
lport = s.getsockname()[1]


def req(method, cid, via=True, to_tag="", body_pad=0):
    lines = ["%s sip:h@%s SIP/2.0" % (method, dst)]
    if via:
        lines.append("Via: SIP/2.0/UDP 198.18.0.2:%d;branch=z9hG4bK-%s" % (lport, cid))
    lines += ["From: <sip:x@198.18.0.2>;tag=h", "To: <sip:h@%s>%s" % (dst, to_tag),
              "Call-ID: %s" % cid, "CSeq: 1 %s" % method]
    if body_pad:
        lines.append("X-Pad: " + "p" * body_pad)
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


answered, junk_answered, trunc_400, codes = set(), 0, 0, {}


def drain():
    global junk_answered, trunc_400
    while True:
        try:
            data, _ = s.recvfrom(65535)
        except BlockingIOError:
            return
        text = data.decode(errors="replace")
        status = text.split("\r\n", 1)[0]
        codes[status] = codes.get(status, 0) + 1
        cid = [l[8:].strip() for l in text.split("\r\n") if l.startswith("Call-ID:")]
        if cid and cid[0].startswith("valid-"):
            answered.add(cid[0])
        elif cid and cid[0].startswith("trunc-") and status.startswith("SIP/2.0 400 "):
            # cut after the headers that matter: a 400 is the right answer
            trunc_400 += 1
        else:
            junk_answered += 1


sent = {"random": 0, "truncated": 0, "no_via": 0, "forged_ack": 0, "oversize": 0, "valid": 0}
for i in range(rounds):
    s.sendto(os.urandom(rnd.randrange(1, 1400)), (dst, port))
    sent["random"] += 1
    full = req("OPTIONS", "trunc-%d" % i)
    s.sendto(full[:rnd.randrange(1, len(full) - 30)], (dst, port))
    sent["truncated"] += 1
    s.sendto(req("OPTIONS", "novia-%d" % i, via=False), (dst, port))
    sent["no_via"] += 1
    forged = ";tag=%s.%08x" % (sig, rnd.getrandbits(32))
    s.sendto(req("ACK", "forged-%d" % i, to_tag=forged), (dst, port))
    sent["forged_ack"] += 1
    if i % 50 == 0:
        s.sendto(req("OPTIONS", "big-%d" % i, body_pad=6000), (dst, port))
        sent["oversize"] += 1
    s.sendto(req("OPTIONS", "valid-%d" % i), (dst, port))
    sent["valid"] += 1
    if i % 64 == 0:
        drain()
        time.sleep(0.002)
end = time.time() + 2
while time.time() < end:
    drain()
    time.sleep(0.01)
print(json.dumps({"sent": sent, "valid_answered": len(answered),
                  "junk_answered": junk_answered, "truncated_400": trunc_400,
                  "codes": codes}))
