#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send each request to sl-xdp and to Kamailio 5.6.3, compare the replies.

  sip_compare.py CORPUS_DIR [SAVE_DIR]

Runs in the client namespace of tests/e2e/test_kamailio_ref.sh (Debian's
python3, stdlib only).  sl-xdp answers on 198.18.0.1:5060 / [2001:2::1]:5060,
Kamailio (tests/e2e/kamailio/ref.cfg) on port 5070 of the same addresses,
both with the same reply policy and the same to-tag MD5 part.  Every request
goes out once to each of them from the SAME client socket (so rport, received
and the destination port of the reply are the same for both); the replies
are told apart by their source port.  Sockets are bound on every port a
reply may be sent to (source port, Via port, 5060).

Byte-for-byte comparison after normalising ONLY the two documented
differences (README, DESIGN 4, spec 1.5):
  (a) the Server line: each must be its own configured line, then both are
      replaced by the same placeholder;
  (b) the placement of `received` in the top Via: every ;received=... of the
      top Via header is removed from both replies, together with a line fold
      right in front of it (sl-xdp drops an old received param with the fold
      in front of it, so that no empty continuation line is left behind;
      Kamailio keeps the old param where it is), then separately
        - Kamailio 5.6.3 has one iff ours has one,
        - Kamailio's LAST received (the one it appended) = the source IP,
        - ours has exactly ONE received (an old one replaced, never
          duplicated), with the source IP as value,
        - ours sits where Kamailio >= 5.8.5 puts it: right after the new
          rport, else right after the branch param, else at the end of the
          first Via value;
        - no continuation line of our top Via holds only blanks (unless the
          request's did).
The to-tags are compared as part of the bytes (and reported on mismatch).
Nothing else is normalised: e.g. the line ends Kamailio keeps on an LF-only
request, or the to-tag of a Via with two branch params (Kamailio hashes the
last one), are asserted as Kamailio sends them.

Where sl-xdp answers differently BY DESIGN, its documented reply is asserted
instead (tests/sip/test_sl_engine.c has the same table):
  - XDP_ERR: broken requests that 5.6.3's sl answers with the policy code
    get sl-xdp's 400 (reason naming the problem) / 505; the rest of the
    reply must still be identical;
  - RFC 4475 requests 5.6.3 does not answer at all (core parser refuses
    them: wsinv, intmeth, esc02, badinv01, ncl, quotbal, lwsruri, lwsstart,
    badvers, multi01, mcl01; our folded-CSeq INVITE): sl-xdp's reply;
  - longreq.dat: IP-fragmented on the veth, passed by XDP: only Kamailio;
  - insuf.dat, test.dat, ACKs: neither answers.
RFC 3261/4475 responses are not sent (not requests).

  SIP_COMPARE_ONLY=REGEX   run only the cases whose name matches

Output: the plan ("1..N", N cases), then TAP lines, "ok - NAME: ..." /
"not ok - NAME: ..." + "# " diagnostics.  Exit 0 if every case passed, else 1
(the calling shell script checks both the count and the exit status).
"""
import difflib
import os
import re
import select
import socket
import sys
import time

SRV4, SRV6 = "198.18.0.1", "2001:2::1"
CLI4, CLI6 = "198.18.0.2", "2001:2::2"
CLI6B = "2001:2::ab"            # extra client address: Via host case tests
XDP_PORT, KAM_PORT = 5060, 5070
SERVER_XDP = b"Server: sl-xdp-ref"
SERVER_KAM = b"Server: kamailio-ref"
CORPUS_PORT = 5060              # the index.tsv observations were sent from 5060
OWN_PORT = 40000                # our own requests: source port != Via port
OWN_PORT_B = 40002              # from CLI6B
RX_PORTS = (5060, 5050, 5061, 5062, OWN_PORT)
WAIT_REPLY = 1.5                # s, for a reply that must come
WAIT_QUIET = 0.3                # s, to call a peer silent

# ---- reply policy of ref.cfg / the sl-xdp config (keep in step) ----------

POLICY = {
    b"OPTIONS": b"200 OK",
    b"REGISTER": b"403 Forbidden",
    b"INVITE": b"486 Busy Here",
    b"MESSAGE": b"501 Not Implemented",
    b"BYE": b"481 Call/Transaction Does Not Exist",
    b"INFO": b"100 Trying",
    b"PUBLISH": b"180 Ringing",
    b"SUBSCRIBE": b"200 OK",
    b"NOTIFY": b"202 Accepted",
    b"PRACK": b"299 Last Two Hundred",
    b"UPDATE": b"179 Almost Ringing",
}
DEFAULT = b"404 Not Found"
REDIRECT = b"302 Moved Temporarily"


def policy(req):
    line = req.split(b"\n", 1)[0]
    toks = line.split(b" ")
    method = toks[0]
    if method == b"INVITE":
        m = re.match(rb"\s*<?sips?:([^@;>]*)@", line[len(b"INVITE"):].lstrip())
        if m and m.group(1).startswith(b"redir"):
            return REDIRECT
    return POLICY.get(method, DEFAULT)


def status_line(req, code_reason):
    """What a reply to req starts with: the request's version, then code."""
    toks = req.split(b"\n", 1)[0].split()
    version = toks[-1] if len(toks) >= 3 else b"SIP/2.0"
    return version + b" " + code_reason


# ---- what sl-xdp answers differently, by design (tests/sip/test_sl_engine.c)

# Kamailio 5.6.3 with sl only answers these with its policy code; sl-xdp
# checks the request first and sends Kamailio's sl_reply_error-style 400/505.
XDP_ERR = {
    "rfc4475/badinv01.dat": b"SIP/2.0 400 Bad Request (Malformed Via)",
    "rfc4475/clerr.dat": b"SIP/2.0 400 Bad Request (Content-Length mismatch)",
    "rfc4475/ncl.dat": b"SIP/2.0 400 Bad Request (Invalid Content-Length)",
    "rfc4475/scalar02.dat": b"SIP/2.0 400 Bad Request (CSeq number is illegal)",
    "rfc4475/quotbal.dat": b"SIP/2.0 400 Bad Request (Unterminated quoted string in To)",
    "rfc4475/ltgtruri.dat": b"SIP/2.0 400 Bad Request (Bad Request-URI)",
    "rfc4475/lwsruri.dat": b"SIP/2.0 400 Bad Request (Bad Request-URI)",
    "rfc4475/baddn.dat": b"SIP/2.0 400 Bad Request (Header section not terminated)",
    "rfc4475/badvers.dat": b"SIP/2.0 505 Version Not Supported",
    "rfc4475/mismatch01.dat":
        b"SIP/2.0 400 Bad Request (CSeq method does not match request method)",
    "rfc4475/mismatch02.dat":
        b"SIP/2.0 400 Bad Request (CSeq method does not match request method)",
    "rfc4475/multi01.dat": b"SIP/2.0 400 Bad Request (Multiple From headers)",
    "rfc4475/mcl01.dat": b"SIP/2.0 400 Bad Request (Multiple Content-Length values)",
    # the RFC's "(Alice's SDP not shown)" placeholder < Content-Length 142
    "rfc3261/rfc3261_s24.2_F1_INVITE.sip":
        b"SIP/2.0 400 Bad Request (Content-Length mismatch)",
    "rfc3261/rfc3261_s24.2_F3_INVITE.sip":
        b"SIP/2.0 400 Bad Request (Content-Length mismatch)",
    "rfc3261/rfc3261_s24.2_F5_INVITE.sip":
        b"SIP/2.0 400 Bad Request (Content-Length mismatch)",
}
# requests sl-xdp cannot answer (no From/To/Call-ID, no SIP version): dropped
XDP_DROP = {"rfc4475/insuf.dat", "rfc4475/test.dat"}
# 3515 bytes: IP-fragmented on a 1500-byte link; the XDP program passes
# fragments to the stack (README "Fragments ... pass"), nobody listens on
# 5060 there, so sl-xdp stays silent and only Kamailio answers
XDP_FRAGMENTED = {"rfc4475/longreq.dat"}


class Case:
    def __init__(self, name, payload, src, xdp, kam, note=""):
        self.name = name
        self.payload = payload
        self.src = src          # (family, address, port)
        self.xdp = xdp          # expected status line of ours, or None (silent)
        self.kam = kam          # expected status line of Kamailio, or None
        self.note = note


# ---- corpus --------------------------------------------------------------

def corpus_cases(root, fam, cli):
    cases = []
    kam_replies = {}
    with open(os.path.join(root, "rfc4475", "index.tsv"), "rb") as f:
        head = f.readline().rstrip(b"\n").split(b"\t")
        col = head.index(b"kamailio_5_6_3_sl_only")
        for line in f:
            row = line.rstrip(b"\n").split(b"\t")
            kam_replies[row[0].decode()] = row[col].startswith(b"SIP/2.0 ")
    files = [("rfc3261", n) for n in sorted(os.listdir(os.path.join(root, "rfc3261")))]
    files += [("rfc4475", n) for n in sorted(kam_replies)]
    for sub, fn in files:
        with open(os.path.join(root, sub, fn), "rb") as f:
            data = f.read()
        name = sub + "/" + fn
        if data.startswith(b"SIP/"):
            continue            # responses: not requests, nobody answers
        is_ack = data.startswith(b"ACK ")
        kam_replies_here = kam_replies.get(fn, True) and not is_ack
        pol = status_line(data, policy(data))
        kam = pol if kam_replies_here else None
        if is_ack or name in XDP_DROP or name in XDP_FRAGMENTED:
            xdp = None
        else:
            xdp = XDP_ERR.get(name, pol)
        cases.append(Case("v%d %s" % (fam, name), data, (fam, cli, CORPUS_PORT), xdp, kam))
    return cases


# ---- our own requests (spec 7 (a) (b) (c) and variations) ---------------

def msg(*lines, body=b""):
    out = []
    for ln in lines:
        out.append(ln.encode() if isinstance(ln, str) else ln)
    return b"\r\n".join(out) + b"\r\n\r\n" + body


def own_cases(fam):
    cli = CLI4 if fam == 4 else CLI6
    vh = cli if fam == 4 else "[%s]" % cli          # Via host = source
    srv = SRV4 if fam == 4 else "[%s]" % SRV6
    src = (fam, cli, OWN_PORT)
    n = [0]

    def cid(tag):
        n[0] += 1
        return "Call-ID: %s-v%d-%d@test" % (tag, fam, n[0])

    def std(method, ruser="r", to="To: <sip:{u}@198.18.0.1>"):
        return ["%s sip:%s@%s SIP/2.0" % (method, ruser, srv)], \
               "From: <sip:alice@example.com>;tag=ft1", to.format(u=ruser)

    C = []

    def add(name, payload, s=src, note=""):
        st = status_line(payload, policy(payload))
        C.append(Case("v%d own %s" % (fam, name), payload, s, st, st, note))

    sdp = (b"v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\n"
           b"t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")

    # (a) spec 7 (a): plain OPTIONS, Via = source, no rport: no received
    add("options: Via = source, no rport (7a)", msg(
        "OPTIONS sip:r200@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-t2-1" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:r200@198.18.0.1>",
        cid("opt-a"),
        "CSeq: 1 OPTIONS",
        "Max-Forwards: 70",
        "User-Agent: compare/1.0",
        "Accept: application/sdp",
        "Content-Length: 0"))
    add("options: Via without port (reply to 5060, CRC-B 0000)", msg(
        "OPTIONS sip:r200@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s;branch=z9hG4bK-noport" % vh,
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:r200@198.18.0.1>",
        cid("opt-noport"),
        "CSeq: 1 OPTIONS",
        "Content-Length: 0"))
    # (b) spec 7 (b): two Vias, top with rport and host != source, RR, SDP
    add("invite 486: rport, host != source, 2 Vias, Record-Route, SDP (7b)", msg(
        "INVITE sip:r486@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001",
        "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-upstream-1;received=198.51.100.7",
        "Record-Route: <sip:192.0.2.1;lr>",
        "Max-Forwards: 69",
        'From: "Alice" <sip:alice@example.com>;tag=a1b2c3',
        "To: <sip:r486@198.18.0.1>",
        cid("inv-b"),
        "CSeq: 101 INVITE",
        "Contact: <sip:alice@10.0.0.5:5062>",
        "Content-Type: application/sdp",
        "Content-Length: %d" % len(sdp), body=sdp))
    # (c) spec 7 (c): BYE with To-tag and rport=1234
    add("bye 481: To-tag kept, rport=1234 (7c)", msg(
        "BYE sip:r481@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-bye-0001;rport=1234" % (vh, OWN_PORT),
        "Max-Forwards: 70",
        "From: <sip:alice@example.com>;tag=a1b2c3",
        "To: <sip:bob@example.com>;tag=existing-totag-xyz;foo=bar",
        cid("bye-c"),
        "CSeq: 2 BYE",
        "Content-Length: 0"))
    add("message 501: ' ;rport ; branch' (rport with blanks)", msg(
        "MESSAGE sip:m@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.0.0.5:5062 ;rport ; branch=z9hG4bK-sp",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:m@198.18.0.1>",
        cid("rport-sp"),
        "CSeq: 3 MESSAGE",
        "Content-Length: 0"))
    add("options: 'rport=1234 ;branch' (blank after the rport value)", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.0.0.5:5062;rport=1234 ;branch=z9hG4bK-rpv",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("rport-val-sp"),
        "CSeq: 4 OPTIONS",
        "Content-Length: 0"))
    add("options: rport after branch, then another param", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:5062;branch=z9hG4bK-rl;rport;x=y" % vh,
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("rport-last"),
        "CSeq: 5 OPTIONS",
        "Content-Length: 0"))
    add("options: RPORT / BRANCH upper case", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.0.0.6:5062;BRANCH=z9hG4bK-UP;RPORT",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("rport-uc"),
        "CSeq: 6 OPTIONS",
        "Content-Length: 0"))
    add("register 403: old received, no rport (Kamailio keeps it, we replace)", msg(
        "REGISTER sip:%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.1.1.1:5062;received=10.9.9.9;branch=z9hG4bK-re1",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:alice@example.com>",
        cid("rcvd-old"),
        "CSeq: 7 REGISTER",
        "Contact: <sip:alice@10.1.1.1:5062>",
        "Expires: 3600",
        "Content-Length: 0"))
    add("register 403: old received before rport, branch, x=y", msg(
        "REGISTER sip:%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.1.1.1:5062;received=1.2.3.4;rport;branch=z9hG4bK-re2;x=y",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:alice@example.com>",
        cid("rcvd-rport"),
        "CSeq: 8 REGISTER",
        "Content-Length: 0"))
    add("options: Via = source with received = source", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;received=%s;branch=z9hG4bK-re3" % (vh, OWN_PORT, cli),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("rcvd-same"),
        "CSeq: 9 OPTIONS",
        "Content-Length: 0"))
    add("invite 486: host != source, no branch, no rport", msg(
        "INVITE sip:i@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.2.2.2:5062",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:i@198.18.0.1>",
        cid("nobranch"),
        "CSeq: 10 INVITE",
        "Content-Length: 0"))
    add("invite 486: host != source, maddr/ttl after branch", msg(
        "INVITE sip:i@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.2.2.3:5062;branch=z9hG4bK-mad;maddr=198.18.0.9;ttl=1",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:i@198.18.0.1>",
        cid("maddr"),
        "CSeq: 11 INVITE",
        "Content-Length: 0"))
    add("options: Via hostname", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP client.example.com:5062;branch=z9hG4bK-hn",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("hostname"),
        "CSeq: 12 OPTIONS",
        "Content-Length: 0"))
    add("options: IPv6 Via host [2001:2::2]", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP [2001:2::2]:5062;branch=z9hG4bK-v6h",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("v6host"),
        "CSeq: 13 OPTIONS",
        "Content-Length: 0"))
    add("options: IPv6 Via host not in compressed form", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP [2001:0002:0::2]:5062;branch=z9hG4bK-v6long",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("v6long"),
        "CSeq: 14 OPTIONS",
        "Content-Length: 0"))
    add("options: IPv4 Via host with leading zeros", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 198.018.000.002:5062;branch=z9hG4bK-v4z",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("v4zero"),
        "CSeq: 15 OPTIONS",
        "Content-Length: 0"))
    if fam == 4:
        add("options: Via host 198.18.0, a prefix of the source address", msg(
            "OPTIONS sip:o@%s SIP/2.0" % srv,
            "Via: SIP/2.0/UDP 198.18.0:5062;branch=z9hG4bK-pfx",
            "From: <sip:alice@example.com>;tag=ft1",
            "To: <sip:o@198.18.0.1>",
            cid("prefix"),
            "CSeq: 16 OPTIONS",
            "Content-Length: 0"))
    add("publish 180: compact headers, scattered Vias, Record-Route kept", msg(
        "PUBLISH sip:r180@%s SIP/2.0" % srv,
        "v: SIP/2.0/UDP %s:%d;branch=z9hG4bK-compact-1" % (vh, OWN_PORT),
        "Record-Route: <sip:rr1.example.com;lr>, <sip:rr2.example.com;lr>",
        "CSeq: 7 PUBLISH",
        "i: compact-cid-v%d@test" % fam,
        "Record-Route: <sip:rr3.example.com;lr>",
        "t: <sip:r180@198.18.0.1>",
        "f: <sip:alice@example.com>;tag=ccc",
        "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-compact-up",
        "m: <sip:alice@10.0.0.1>",
        "l: 0"))
    add("subscribe 200: Record-Route kept, rport", msg(
        "SUBSCRIBE sip:s@%s SIP/2.0" % srv,
        "Record-Route: <sip:proxy.example.com;lr>",
        "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK-sub" % (vh, OWN_PORT),
        "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-sub-up",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:s@198.18.0.1>",
        cid("sub"),
        "CSeq: 17 SUBSCRIBE",
        "Event: presence",
        "Expires: 600",
        "Content-Length: 0"))
    add("notify 202: Record-Route kept, To with tag", msg(
        "NOTIFY sip:n@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.0.0.7:5062;branch=z9hG4bK-ntf",
        "Record-Route: <sip:a.example.com;lr>",
        "Record-Route: <sip:b.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:n@198.18.0.1>;tag=abc",
        cid("ntf"),
        "CSeq: 18 NOTIFY",
        "Event: presence",
        "Subscription-State: active",
        "Content-Length: 0"))
    add("prack 299: Record-Route kept (upper bound)", msg(
        "PRACK sip:p@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-prk" % (vh, OWN_PORT),
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:p@198.18.0.1>",
        cid("prk"),
        "CSeq: 19 PRACK",
        "RAck: 1 1 INVITE",
        "Content-Length: 0"))
    add("info 100: no to-tag, no Record-Route", msg(
        "INFO sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-info" % (vh, OWN_PORT),
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("info"),
        "CSeq: 20 INFO",
        "Content-Length: 0"))
    add("update 179: no to-tag, no Record-Route", msg(
        "UPDATE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-upd" % (vh, OWN_PORT),
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("upd"),
        "CSeq: 21 UPDATE",
        "Content-Length: 0"))
    add("invite 486: Record-Route dropped", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Record-Route: <sip:a.example.com;lr>",
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-inv-rr" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: \"Bob\" <sip:x@198.18.0.1>;foo=bar",
        cid("inv-rr"),
        "CSeq: 22 INVITE",
        "Content-Length: 0"))
    add("invite 302: X-Redirect and Contact (append_to_reply / header =)", msg(
        "INVITE sip:redir-1@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK-302" % (vh, OWN_PORT),
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:redir-1@198.18.0.1>",
        cid("302"),
        "CSeq: 23 INVITE",
        "Content-Length: 0"))
    add("re-invite 486: To with tag, no new tag", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-reinv" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>;tag=1234-abcd",
        cid("reinv"),
        "CSeq: 24 INVITE",
        "Content-Length: 0"))
    add("options: empty 'tag=' in To (second tag param)", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-etag" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>;tag=",
        cid("etag"),
        "CSeq: 25 OPTIONS",
        "Content-Length: 0"))
    add("options: To without <> and with params", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-naked" % (vh, OWN_PORT),
        "From: sip:alice@example.com;tag=ft1",
        "To: sip:o@198.18.0.1;user=phone",
        cid("naked"),
        "CSeq: 26 OPTIONS",
        "Content-Length: 0"))
    add("invite 486: To ';TAG=x' (upper-case param name): no new tag", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-uctag" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>;TAG=upper",
        cid("uctag"),
        "CSeq: 41 INVITE",
        "Content-Length: 0"))
    add("invite 486: 'tag' only inside the To URI and display name", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-uritag" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: \"x;tag=q\" <sip:x@198.18.0.1;tag=inuri>",
        cid("uritag"),
        "CSeq: 42 INVITE",
        "Content-Length: 0"))
    add("invite 486: naked To URI with ;tag= header param", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-nakedtag" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: sip:x@198.18.0.1;tag=naked",
        cid("nakedtag"),
        "CSeq: 43 INVITE",
        "Content-Length: 0"))
    add("options: Via port with leading zeros, tab after the protocol", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP\t10.7.7.7:05062;branch=z9hG4bK-lz",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("lz"),
        "CSeq: 44 OPTIONS",
        "Content-Length: 0"))
    add("options: two branch params, rport between", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.7.7.8:5062;branch=z9hG4bK-b1;rport;branch=z9hG4bK-b2",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("2branch"),
        "CSeq: 45 OPTIONS",
        "Content-Length: 0"))
    add("options: compact t: with empty tag, received with IPv6 value", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "v: SIP/2.0/UDP 10.7.7.9:5062;received=2001:db8::1;branch=z9hG4bK-c6",
        "f: <sip:alice@example.com>;tag=ft1",
        "t: <sip:o@198.18.0.1>;tag=",
        "i: c6-v%d@test" % fam,
        "CSeq: 46 OPTIONS",
        "l: 0"))
    add("invite 486: folded From, To, Call-ID", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-fold1" % (vh, OWN_PORT),
        "From: \"Alice\"\r\n <sip:alice@example.com>\r\n\t;tag=ft1",
        "To:\r\n <sip:x@198.18.0.1>",
        "Call-ID:\r\n fold1-v%d@test" % fam,
        "CSeq: 27 INVITE",
        "Content-Length: 0"))
    # 5.6.3's parse_cseq refuses a fold between number and method ("bad
    # cseq", as for RFC 4475 wsinv): no reply; sl-xdp unfolds and answers
    folded_cseq = msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-fold1b" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("fold1b"),
        "CSeq: 27\r\n INVITE",
        "Content-Length: 0")
    C.append(Case("v%d own invite: folded CSeq" % fam, folded_cseq, src,
                  b"SIP/2.0 486 Busy Here", None))
    add("invite 486: folded top Via with rport", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.4:5062\r\n ;branch=z9hG4bK-fold2\r\n ;rport",
        "Via: SIP/2.0/UDP 10.4.4.5:5062;branch=z9hG4bK-fold2-up",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("fold2"),
        "CSeq: 28 INVITE",
        "Content-Length: 0"))
    add("invite 486: folded top Via, no rport, host != source", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP\r\n 10.4.4.6:5062;branch=z9hG4bK-fold3\r\n\t;x=y",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("fold3"),
        "CSeq: 29 INVITE",
        "Content-Length: 0"))
    # continuation shapes of the top Via (issue 15.2): an old received
    # param is dropped with the fold in front of it, never leaving an
    # empty continuation line; every other fold stays where it is
    add("register 403: old received alone on a folded line (TLS, port 5061)", msg(
        "REGISTER sip:%s SIP/2.0" % srv,
        "Via: SIP/2.0/TLS client.example.com:5061;branch=z9hG4bKnashds7\r\n"
        " ;received=192.0.2.201",
        "From: <sip:bob@biloxi.example.com>;tag=456248",
        "To: <sip:bob@biloxi.example.com>",
        cid("fold-rcvd"),
        "CSeq: 1826 REGISTER",
        "Contact: <sips:bob@client.example.com:5061>",
        "Content-Length: 0"))
    add("options: fold before the first param", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.7:5062\r\n ;branch=z9hG4bK-fold4;rport",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold4"),
        "CSeq: 51 OPTIONS",
        "Content-Length: 0"))
    add("invite 486: fold before an old received, the first param", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.8:5062\r\n ;received=10.9.9.9;branch=z9hG4bK-fold5",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("fold5"),
        "CSeq: 52 INVITE",
        "Content-Length: 0"))
    add("options: old received between two folds, rport last", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.9:5062;branch=z9hG4bK-fold6\r\n"
        " ;received=10.9.9.8\r\n ;rport",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold6"),
        "CSeq: 53 OPTIONS",
        "Content-Length: 0"))
    add("options: tab fold before an old received", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.10:5062;branch=z9hG4bK-fold7\r\n\t;received=10.9.9.7",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold7"),
        "CSeq: 54 OPTIONS",
        "Content-Length: 0"))
    add("options: blanks, then a tab fold, before an old received", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.11:5062;branch=z9hG4bK-fold8 \t\r\n"
        "\t;received=10.9.9.6;x=y",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold8"),
        "CSeq: 55 OPTIONS",
        "Content-Length: 0"))
    add("invite 486: two old received params on folded lines", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.12:5062;branch=z9hG4bK-fold9\r\n"
        " ;received=10.9.9.3\r\n ;received=10.9.9.2",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("fold9"),
        "CSeq: 56 INVITE",
        "Content-Length: 0"))
    add("options: rport without a value, a fold, an old received", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.13:5062;rport\r\n ;received=10.9.9.1\r\n"
        " ;branch=z9hG4bK-fold10",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold10"),
        "CSeq: 57 OPTIONS",
        "Content-Length: 0"))
    add("options: fold right after the Via colon, old received", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via:\r\n SIP/2.0/UDP 10.4.4.14:5062;branch=z9hG4bK-fold11;received=10.9.9.0",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold11"),
        "CSeq: 58 OPTIONS",
        "Content-Length: 0"))
    add("publish 180: LF-only folds in the top Via, old received, rport", msg(
        "PUBLISH sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.4.4.15:5062;branch=z9hG4bK-fold12\r\n"
        " ;received=10.9.9.5\r\n\t;rport",
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("fold12"),
        "CSeq: 59 PUBLISH",
        "Content-Length: 0").replace(b"\r\n", b"\n"))
    add("invite 486: fold inside a multi-value Via line, old received in both values", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.3.3.6:5062;branch=z9hG4bK-mv1\r\n ;received=10.1.1.2,\r\n"
        " SIP/2.0/UDP 10.8.8.11:5060;branch=z9hG4bK-mv2;received=10.1.1.3",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("mv1"),
        "CSeq: 60 INVITE",
        "Content-Length: 0"))
    add("options: multi-value Via line, the comma on a continuation line", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.3.3.7:5062\r\n ;branch=z9hG4bK-mv3\r\n"
        " , SIP/2.0/UDP 10.8.8.12;branch=z9hG4bK-mv4",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("mv3"),
        "CSeq: 61 OPTIONS",
        "Content-Length: 0"))
    add("subscribe 200: multi-value Via line, rport first, tab fold after the comma", msg(
        "SUBSCRIBE sip:s@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK-mv5,\r\n"
        "\tSIP/2.0/UDP 10.8.8.13;branch=z9hG4bK-mv6" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:s@198.18.0.1>",
        cid("mv5"),
        "CSeq: 62 SUBSCRIBE",
        "Event: presence",
        "Content-Length: 0"))
    add("options: a second Via header folded over several values", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-v2f" % (vh, OWN_PORT),
        "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK-v2f-a\r\n"
        " ;received=10.2.2.2,\r\n\tSIP/2.0/TCP b.example.com\r\n ;branch=z9hG4bK-v2f-b",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("v2f"),
        "CSeq: 63 OPTIONS",
        "Content-Length: 0"))
    add("register 403: folded Contact lines (dropped)", msg(
        "REGISTER sip:%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.1.1.5:5062;branch=z9hG4bK-ct1",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:alice@example.com>",
        cid("ct1"),
        "CSeq: 64 REGISTER",
        "Contact: <sip:alice@10.1.1.5:5062>;expires=60,\r\n <sip:alice@10.1.1.6:5062>\r\n"
        "\t;q=0.5",
        "m: <sip:alice@10.1.1.7>,\r\n <sip:alice@10.1.1.8>",
        "Content-Length: 0"))
    add("invite 302: folded Contact and folded top Via with an old received", msg(
        "INVITE sip:redir-2@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.1.1.9:5062;branch=z9hG4bK-ct2\r\n ;received=10.1.1.10",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:redir-2@198.18.0.1>",
        cid("ct2"),
        "CSeq: 65 INVITE",
        "Contact: <sip:alice@10.1.1.9:5062>,\r\n <sip:alice@10.1.1.11>",
        "Content-Length: 0"))
    add("options: comma-separated Vias on the first line", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.3.3.3:5062;branch=z9hG4bK-comma1, "
        "SIP/2.0/UDP 10.8.8.8:5060;branch=z9hG4bK-comma2",
        "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK-comma3",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("comma"),
        "CSeq: 30 OPTIONS",
        "Content-Length: 0"))
    add("invite 486: comma-separated Vias, rport in the first", msg(
        "INVITE sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.3.3.4:5062;rport;branch=z9hG4bK-comma4 ,"
        "SIP/2.0/UDP 10.8.8.9:5060;branch=z9hG4bK-comma5;received=10.1.1.1",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("comma2"),
        "CSeq: 31 INVITE",
        "Content-Length: 0"))
    add("options: three Via lines, second compact", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-3v" % (vh, OWN_PORT),
        "v: SIP/2.0/TCP 10.5.5.5:5060;branch=z9hG4bK-3v-2",
        "From: <sip:alice@example.com>;tag=ft1",
        "VIA: SIP/2.0/UDP 10.5.5.6:5060;branch=z9hG4bK-3v-3",
        "To: <sip:o@198.18.0.1>",
        cid("3via"),
        "CSeq: 32 OPTIONS",
        "Content-Length: 0"))
    add("options: blanks before the colons, odd header case", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "via  : SIP/2.0/UDP %s:%d;branch=z9hG4bK-ws" % (vh, OWN_PORT),
        "FROM\t: <sip:alice@example.com>;tag=ft1",
        "to : <sip:o@198.18.0.1>",
        "call-id :  ws-v%d@test" % fam,
        "cseq :  33   OPTIONS",
        "content-length : 0"))
    add("options: To and Via with trailing blanks", msg(
        "OPTIONS sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.6.6.6:5062;branch=z9hG4bK-tr  ",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>  ",
        cid("trail"),
        "CSeq: 34 OPTIONS",
        "Content-Length: 0"))
    # spec 1.3: Kamailio re-terminates Via lines with CRLF and keeps the
    # request's own line end on From, To, Call-ID, CSeq, Record-Route
    add("publish 180: LF-only line ends (Record-Route, 2 Vias)", msg(
        "PUBLISH sip:o@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP 10.6.6.7:5062;rport;branch=z9hG4bK-lf",
        "Via: SIP/2.0/UDP 10.6.6.8:5060;branch=z9hG4bK-lf2",
        "Record-Route: <sip:a.example.com;lr>",
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:o@198.18.0.1>",
        cid("lf"),
        "CSeq: 35 PUBLISH",
        "Content-Length: 0").replace(b"\r\n", b"\n"))
    add("cancel 404: default reply", msg(
        "CANCEL sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-cxl" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("cxl"),
        "CSeq: 36 CANCEL",
        "Content-Length: 0"))
    add("invite (lower case) 404: methods are case-sensitive", msg(
        "invite sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-lc" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>",
        cid("lc"),
        "CSeq: 37 invite",
        "Content-Length: 0"))
    # an ACK that matches no reply: absorbed by neither, answered by neither
    ack = msg(
        "ACK sip:x@%s SIP/2.0" % srv,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-ack" % (vh, OWN_PORT),
        "From: <sip:alice@example.com>;tag=ft1",
        "To: <sip:x@198.18.0.1>;tag=nobody",
        cid("ack"),
        "CSeq: 38 ACK",
        "Content-Length: 0")
    C.append(Case("v%d own ACK: never answered" % fam, ack, src, None, None))
    if fam == 6:
        # source 2001:2::ab: the Via host compare is case-insensitive for
        # IPv6 (no received), and the received value is compressed lower case
        add("options: Via host [2001:2::AB] = source 2001:2::ab", msg(
            "OPTIONS sip:o@%s SIP/2.0" % srv,
            "Via: SIP/2.0/UDP [2001:2::AB]:%d;branch=z9hG4bK-v6uc" % OWN_PORT_B,
            "From: <sip:alice@example.com>;tag=ft1",
            "To: <sip:o@198.18.0.1>",
            cid("v6uc"),
            "CSeq: 39 OPTIONS",
            "Content-Length: 0"), s=(6, CLI6B, OWN_PORT_B))
        add("options: Via host [2001:2::ab], no port, rport (CRC-B 0000)", msg(
            "OPTIONS sip:o@%s SIP/2.0" % srv,
            "Via: SIP/2.0/UDP [2001:2::ab];rport;branch=z9hG4bK-v6rp",
            "From: <sip:alice@example.com>;tag=ft1",
            "To: <sip:o@198.18.0.1>",
            cid("v6rp"),
            "CSeq: 40 OPTIONS",
            "Content-Length: 0"), s=(6, CLI6B, OWN_PORT_B))
    return C


# ---- normalisation and comparison ----------------------------------------

LWS = rb"(?:[ \t]*\r?\n[ \t]+|[ \t]*)"
FOLD = rb"(?:[ \t]*\r?\n[ \t]+)+"
RECEIVED = re.compile(rb";" + LWS + rb"received" + LWS + rb"=" + LWS + rb"([^;,\s]*)", re.I)
# a received param as normalise() drops it: with a line fold in front of it
RECEIVED_DROP = re.compile(rb"(?:" + FOLD + rb")?" + RECEIVED.pattern, re.I)


def empty_fold(field):
    """A continuation line of the header field that holds only SP/HT."""
    return re.search(rb"\n[ \t]+(?:\r?\n|$)", field) is not None


def header_fields(reply):
    """[(start, end)] of each header field (folds included, no line end)."""
    head_end = reply.find(b"\r\n\r\n")
    if head_end < 0:
        head_end = len(reply)
    first = reply.find(b"\n") + 1
    out = []
    pos = first
    while pos < head_end:
        end = pos
        while True:
            nl = reply.find(b"\n", end)
            if nl < 0 or nl >= head_end:
                end = head_end
                break
            if nl + 1 < len(reply) and reply[nl + 1:nl + 2] in (b" ", b"\t"):
                end = nl + 1
                continue
            end = nl
            break
        e = end - 1 if end > pos and reply[end - 1:end] == b"\r" else end
        out.append((pos, e))
        pos = end + 1
    return out


def top_via(reply):
    for s, e in header_fields(reply):
        name = reply[s:e].split(b":", 1)[0].strip().lower()
        if name in (b"via", b"v"):
            return s, e
    return None


def to_tag(reply):
    for s, e in header_fields(reply):
        name = reply[s:e].split(b":", 1)[0].strip().lower()
        if name in (b"to", b"t"):
            tags = re.findall(rb";\s*tag\s*=\s*([^;\s]*)", reply[s:e], re.I)
            return tags
    return None


def normalise(reply, server):
    """(normalised bytes, received values of the top Via, problems)"""
    problems = []
    srv = re.findall(rb"(?mi)^server[ \t]*:[^\r\n]*", reply)
    if srv != [server]:
        problems.append("Server lines %r, want exactly one %r" % (srv, server))
    reply = re.sub(rb"(?mi)^server[ \t]*:[^\r\n]*", b"Server: <normalised>", reply)
    tv = top_via(reply)
    if not tv:
        return reply, [], problems + ["no Via in the reply"]
    s, e = tv
    field = reply[s:e]
    vals = [m.group(1) for m in RECEIVED_DROP.finditer(field)]
    field = RECEIVED_DROP.sub(b"", field)
    return reply[:s] + field + reply[e:], vals, problems


def first_value(field):
    body = field.split(b":", 1)[1]
    return body.split(b",", 1)[0]


def split_first_value(field):
    """(first Via value with the name, the rest: ", next values...")"""
    i = field.find(b",")
    return (field, b"") if i < 0 else (field[:i], field[i:])


def placement_problem(ours, kam_norm_first_value, src_port):
    """Our received must be where Kamailio >= 5.8.5 puts it."""
    s, e = top_via(ours)
    field = ours[s:e]
    m = RECEIVED.search(field)
    before, after = field[:m.start()], field[m.end():]
    if re.search(rb";" + LWS + rb"rport", kam_norm_first_value, re.I):
        if not before.endswith(b";rport=%d" % src_port):
            return "received not right after the new ;rport=%d" % src_port
        return None
    if re.search(rb";" + LWS + rb"branch\b", kam_norm_first_value, re.I):
        if not re.search(rb";" + LWS + rb"branch" + LWS + rb"(?:=" + LWS +
                         rb"[^;,\s]*)?$", before, re.I):
            return "received not right after the branch param"
        return None
    if not re.match(rb"^" + LWS + rb"(?:,|$)", after):
        return "received not at the end of the first Via value"
    return None


def show(b):
    return [repr(x)[1:] for x in b.split(b"\r\n")]


def diff(a, b):
    d = list(difflib.unified_diff(show(a), show(b), "kamailio-5.6.3", "sl-xdp", n=1,
                                  lineterm=""))
    return d[:40]


def compare(case, ours, kam, src_ip, src_port):
    """[problems] for two replies that must be identical but for the
    documented differences (and the status line, if case.xdp != case.kam)."""
    probs = []
    (o_data, o_port), (k_data, k_port) = ours, kam
    if o_port != k_port:
        probs.append("reply sent to port %d by sl-xdp, %d by Kamailio" % (o_port, k_port))
    on, o_rcv, p1 = normalise(o_data, SERVER_XDP)
    kn, k_rcv, p2 = normalise(k_data, SERVER_KAM)
    probs += ["sl-xdp: " + p for p in p1] + ["Kamailio: " + p for p in p2]
    oc, kc = on, kn
    if case.xdp != case.kam:
        # only the status line may differ (documented error reply)
        oc, kc = on.split(b"\n", 1)[-1], kn.split(b"\n", 1)[-1]
    if oc != kc:
        probs.append("replies differ after normalisation:")
        probs += diff(kc, oc)
        ot, kt = to_tag(o_data), to_tag(k_data)
        if ot != kt:
            probs.append("to-tags: sl-xdp %r, Kamailio %r" % (ot, kt))
    tv, rv = top_via(o_data), top_via(case.payload)
    if tv and rv and empty_fold(o_data[tv[0]:tv[1]]) and \
            not empty_fold(case.payload[rv[0]:rv[1]]):
        probs.append("sl-xdp: an empty continuation line in the top Via")
    src = src_ip.encode()
    if bool(o_rcv) != bool(k_rcv):
        probs.append("received: sl-xdp %r, Kamailio %r" % (o_rcv, k_rcv))
    elif k_rcv:
        if k_rcv[-1] != src:
            probs.append("Kamailio's appended received %r != source %r" % (k_rcv[-1], src))
        # ours: exactly one received in the first Via value, the source;
        # the other values of that line as in the request
        s, e = top_via(o_data)
        o_first, o_rest = split_first_value(o_data[s:e])
        rs, re_ = top_via(case.payload)
        r_rest = split_first_value(case.payload[rs:re_])[1]
        o_first_rcv = [m.group(1) for m in RECEIVED.finditer(o_first)]
        if o_first_rcv != [src]:
            probs.append("sl-xdp received params %r in the first Via value, want exactly [%r]"
                         % (o_first_rcv, src))
        elif [m.group(1) for m in RECEIVED.finditer(o_rest)] != \
                [m.group(1) for m in RECEIVED.finditer(r_rest)]:
            probs.append("sl-xdp changed received params of the 2nd+ Via value")
        else:
            tv = top_via(kn)
            p = placement_problem(o_data, first_value(kn[tv[0]:tv[1]]), src_port) \
                if tv else "no Via"
            if p:
                probs.append("sl-xdp: " + p)
    return probs


# ---- the exchange ----------------------------------------------------------

class Client:
    def __init__(self):
        self.socks = {}      # (family, addr, port) -> socket

    def sock(self, fam, addr, port):
        key = (fam, addr, port)
        if key not in self.socks:
            s = socket.socket(socket.AF_INET if fam == 4 else socket.AF_INET6,
                              socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port))
            s.setblocking(False)
            self.socks[key] = s
        return self.socks[key]

    def bind_all(self):
        for fam, addr in ((4, CLI4), (6, CLI6), (6, CLI6B)):
            for p in RX_PORTS + (OWN_PORT_B,):
                self.sock(fam, addr, p)

    def drain(self):
        for s in self.socks.values():
            while True:
                try:
                    s.recvfrom(65535)
                except (BlockingIOError, OSError):
                    break

    def exchange(self, case):
        fam, addr, port = case.src
        s = self.sock(fam, addr, port)
        srv = SRV4 if fam == 4 else SRV6
        self.drain()
        t0 = time.monotonic()
        s.sendto(case.payload, (srv, XDP_PORT))
        s.sendto(case.payload, (srv, KAM_PORT))
        got = {XDP_PORT: [], KAM_PORT: []}
        want = {XDP_PORT: case.xdp is not None, KAM_PORT: case.kam is not None}
        quiet = not all(want.values())
        socks = [x for k, x in self.socks.items() if k[0] == fam]
        while True:
            now = time.monotonic() - t0
            have_all = all(got[p] for p in want if want[p])
            if have_all and (not quiet or now >= WAIT_QUIET):
                break
            if now >= WAIT_REPLY:
                break
            r, _, _ = select.select(socks, [], [], 0.02)
            for x in r:
                try:
                    data, peer = x.recvfrom(65535)
                except BlockingIOError:
                    continue
                if peer[0] == srv and peer[1] in got:
                    got[peer[1]].append((data, x.getsockname()[1]))
        return got


def run(case, client, save):
    got = client.exchange(case)
    ours, kam = got[XDP_PORT], got[KAM_PORT]
    case.got_xdp = len(ours)
    case.got_xdp_err = sum(1 for d, _ in ours if re.match(rb"SIP/2.0 (400|505) ", d))
    fam, src_ip, src_port = case.src
    if save:
        base = os.path.join(save, re.sub(r"[^A-Za-z0-9_.-]+", "_", case.name))
        with open(base + ".req", "wb") as f:
            f.write(case.payload)
        for tag, lst in (("xdp", ours), ("kam", kam)):
            for i, (d, p) in enumerate(lst):
                with open("%s.%s%s" % (base, tag, i or ""), "wb") as f:
                    f.write(d)
    probs = []
    for who, lst, exp in (("sl-xdp", ours, case.xdp), ("Kamailio", kam, case.kam)):
        if exp is None and lst:
            probs.append("%s answered, want silence: %r" % (who, lst[0][0][:80]))
        elif exp is not None and not lst:
            probs.append("%s: no reply (want %r)" % (who, exp.decode(errors="replace")))
        elif len(lst) > 1:
            probs.append("%s answered %d times" % (who, len(lst)))
        if exp is not None and lst:
            st = lst[0][0].split(b"\r\n", 1)[0]
            if st != exp:
                probs.append("%s status line %r, want %r" % (who, st, exp))
    if not probs and ours and kam:
        probs = compare(case, ours[0], kam[0], src_ip, src_port)
    if probs:
        print("not ok - %s: %s" % (case.name, probs[0]))
        for p in probs[1:]:
            print("#   " + p)
        return False
    if case.xdp is None and case.kam is None:
        what = "neither answers"
    elif case.kam is None:
        what = "Kamailio 5.6.3 silent, sl-xdp %s (documented)" % case.xdp.decode()
    elif case.xdp is None:
        what = "sl-xdp silent (documented), Kamailio 5.6.3 %s" % case.kam.decode()
    elif case.xdp != case.kam:
        what = "sl-xdp %s (documented; Kamailio 5.6.3: %s), rest identical" % (
            case.xdp.decode(), case.kam.decode())
    else:
        what = "identical"
    print("ok - %s: %s" % (case.name, what))
    return True


def main():
    root = sys.argv[1]
    save = sys.argv[2] if len(sys.argv) > 2 else None
    only = os.environ.get("SIP_COMPARE_ONLY")
    cases = []
    for fam, cli in ((4, CLI4), (6, CLI6)):
        cases += corpus_cases(root, fam, cli)
        cases += own_cases(fam)
    if only:
        cases = [c for c in cases if re.search(only, c.name)]
    print("1..%d" % len(cases))
    client = Client()
    client.bind_all()
    n_xdp = n_err = failed = 0
    for c in cases:
        if not run(c, client, save):
            failed += 1
        sys.stdout.flush()
        n_xdp += c.got_xdp
        n_err += c.got_xdp_err
    # for the caller's cross-check against sl-ctl stats
    print("# sl-xdp replies: %d, error replies: %d" % (n_xdp, n_err))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
