#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A HEP3 collector and the SIP client whose copies it checks (stdlib only).

  hep_check.py listen ADDR PORT OUT
      record every datagram on ADDR:PORT (UDP) as one JSON line in OUT:
      the packet in hex; OUT.ready once bound; runs until killed
  hep_check.py client LOCAL_IP DST_IP DST_PORT COUNT PREFIX OUT [xdp]
      send COUNT requests (OPTIONS and INVITE in turn, Call-ID
      PREFIX-N@LOCAL_IP) one after the other from one socket, each
      waiting up to 1 s for its reply; OUT: JSON with every request and
      reply byte for byte, the local and server address and ports.
      xdp: what the XDP program reports instead: INVITE, its reply and
      the ACK to it (absorbed), and REGISTER (dropped by a rule, no
      reply awaited) in turn.  Exit 1 unless every request but REGISTER
      was answered
  hep_check.py check EXCHANGE HEPFILE SAMPLE CAPTURE_ID AUTH_KEY
      decode every packet of HEPFILE chunk by chunk and compare it with
      EXCHANGE: HEP3 framing, IP family, protocol UDP, addresses and
      ports of the request and of its reply, time, protocol type SIP,
      capture id, auth key ("-": none), Call-ID as correlation id,
      payload byte-exact; the calls copied are exactly those that the
      sample (hundredths of a percent) selects by the Call-ID's hash
      (computed here), each with its request and its reply (an INVITE
      of xdp also its ACK; a REGISTER only itself).  Prints a
      JSON summary; exit 1 on any error.
  hep_check.py expect EXCHANGE SAMPLE
      print how many copies SAMPLE gives for EXCHANGE's calls
"""
import json
import socket
import struct
import sys
import time


def listen(addr, port, out):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, int(port)))
    f = open(out, "a")
    open(out + ".ready", "w").close()
    while True:
        data = s.recv(65535)
        f.write(json.dumps({"hex": data.hex()}) + "\n")
        f.flush()


def request(method, lip, lport, dip, dport, callid, n):
    host = "[%s]" % lip if ":" in lip else lip
    dhost = "[%s]" % dip if ":" in dip else dip
    return ("%s sip:hep@%s:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-hep-%d\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:caller@%s>;tag=hep-%d\r\n"
            "To: <sip:hep@%s>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d %s\r\n"
            "Content-Length: 0\r\n\r\n"
            % (method, dhost, dport, host, lport, n, host, n, dhost, callid,
               n + 1, method)).encode()


def ack_for(invite, reply):
    """the ACK to a non-2xx reply: the INVITE's Via, Call-ID and From, the
    reply's To (with its tag), CSeq method ACK"""
    to = [ln for ln in reply.split(b"\r\n") if ln.lower().startswith(b"to:")][0]
    lines = invite.split(b"\r\n")
    out = [b"ACK" + lines[0][len(b"INVITE"):]]
    for ln in lines[1:]:
        if ln.lower().startswith(b"to:"):
            ln = to
        elif ln.lower().startswith(b"cseq:"):
            ln = ln.replace(b"INVITE", b"ACK")
        out.append(ln)
    return b"\r\n".join(out)


def client(lip, dip, dport, count, prefix, out, mode=""):
    fam = socket.AF_INET6 if ":" in lip else socket.AF_INET
    dport = int(dport)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((lip, 0))
    lport = s.getsockname()[1]
    s.settimeout(1.0)
    calls = []
    for n in range(int(count)):
        callid = "%s-%d@%s" % (prefix, n, lip)
        if mode == "xdp":
            method = "INVITE" if n % 2 == 0 else "REGISTER"
        else:
            method = "OPTIONS" if n % 2 == 0 else "INVITE"
        req = request(method, lip, lport, dip, dport, callid, n)
        s.sendto(req, (dip, dport))
        call = {"callid": callid, "req": req.hex(), "reply": ""}
        if method != "REGISTER":
            try:
                call["reply"] = s.recv(65535).hex()
            except socket.timeout:
                pass
        if mode == "xdp" and method == "INVITE" and call["reply"]:
            ack = ack_for(req, bytes.fromhex(call["reply"]))
            s.sendto(ack, (dip, dport))
            call["ack"] = ack.hex()
        calls.append(call)
    json.dump({"local": lip, "lport": lport, "server": dip, "sport": dport,
               "calls": calls}, open(out, "w"))
    answered = sum(1 for c in calls if c["reply"])
    want = sum(1 for c in calls if method_of(c) != "REGISTER")
    print(json.dumps({"sent": len(calls), "answered": answered}))
    return 0 if answered == want else 1


def method_of(call):
    return bytes.fromhex(call["req"]).split(b" ", 1)[0].decode()


def want_kinds(call):
    """the copies of a call: a REGISTER is dropped (itself only), an
    INVITE with an ACK has three"""
    if method_of(call) == "REGISTER":
        return ["req"]
    return sorted(["req", "reply"] + (["ack"] if "ack" in call else []))


M64 = (1 << 64) - 1


def callid_hash(data):
    """user/run/hep_mirror.h's hep_callid_hash(), written from its comment"""
    h = 0x9e3779b97f4a7c15 ^ len(data)
    data = data[:256]               # SL_HEP_CALLID_HASH_MAX
    for i in range(0, len(data), 8):
        w = int.from_bytes(data[i:i + 8].ljust(8, b"\0"), "little")
        h = ((h ^ w) * 0xff51afd7ed558ccd) & M64
        h ^= h >> 32
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & M64
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & M64
    return h ^ (h >> 33)


def sampled(callid, sample):
    return sample >= 10000 or (sample > 0 and
                               callid_hash(callid.encode()) % 10000 < sample)


def chunks(pkt):
    """type -> value; raises ValueError on a malformed packet."""
    if len(pkt) < 6 or pkt[:4] != b"HEP3":
        raise ValueError("no HEP3 header")
    total = struct.unpack("!H", pkt[4:6])[0]
    if total != len(pkt):
        raise ValueError("total length %d, datagram %d" % (total, len(pkt)))
    off, out = 6, {}
    while off < len(pkt):
        if off + 6 > len(pkt):
            raise ValueError("chunk header cut at %d" % off)
        vendor, typ, ln = struct.unpack("!HHH", pkt[off:off + 6])
        if vendor != 0 or ln < 6 or off + ln > len(pkt):
            raise ValueError("bad chunk at %d: vendor %d len %d" %
                             (off, vendor, ln))
        if typ in out:
            raise ValueError("chunk %d twice" % typ)
        out[typ] = pkt[off + 6:off + ln]
        off += ln
    return out


def check(exchange, hepfile, sample, capture_id, auth_key):
    ex = json.load(open(exchange))
    sample, capture_id = int(sample), int(capture_id)
    v6 = ":" in ex["local"]
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    local = socket.inet_pton(fam, ex["local"])
    server = socket.inet_pton(fam, ex["server"])
    calls = {c["callid"]: c for c in ex["calls"]}
    seen = {}
    errors = []
    packets = 0
    now = time.time()
    for line in open(hepfile):
        pkt = bytes.fromhex(json.loads(line)["hex"])
        try:
            c = chunks(pkt)
        except ValueError as e:
            errors.append(str(e))
            continue
        cid = c.get(0x11, b"").decode(errors="replace")
        if cid not in calls:
            continue        # another step's call
        packets += 1
        call = calls[cid]
        req, rep = bytes.fromhex(call["req"]), bytes.fromhex(call["reply"])
        ack = bytes.fromhex(call.get("ack", ""))
        payload = c.get(0x0f)
        if payload == req:
            kind, src, dst = "req", (local, ex["lport"]), (server, ex["sport"])
        elif ack and payload == ack:
            kind, src, dst = "ack", (local, ex["lport"]), (server, ex["sport"])
        elif payload == rep:
            kind, src, dst = "reply", (server, ex["sport"]), (local, ex["lport"])
        else:
            errors.append("%s: payload is not the request, its reply or ACK" % cid)
            continue
        seen.setdefault(cid, []).append(kind)
        want = {
            0x01: bytes([10 if v6 else 2]), 0x02: bytes([17]),
            0x06 if v6 else 0x04: dst[0], 0x05 if v6 else 0x03: src[0],
            0x07: struct.pack("!H", src[1]), 0x08: struct.pack("!H", dst[1]),
            0x0b: bytes([1]), 0x0c: struct.pack("!I", capture_id),
        }
        for typ, val in want.items():
            if c.get(typ) != val:
                errors.append("%s %s: chunk %#x is %r, want %r" %
                              (cid, kind, typ, c.get(typ), val))
        if auth_key == "-":
            if 0x0e in c:
                errors.append("%s %s: an auth key chunk, none configured" % (cid, kind))
        elif c.get(0x0e) != auth_key.encode():
            errors.append("%s %s: auth key %r" % (cid, kind, c.get(0x0e)))
        sec, usec = c.get(0x09), c.get(0x0a)
        if not sec or not usec or len(sec) != 4 or len(usec) != 4:
            errors.append("%s %s: no time chunks" % (cid, kind))
        else:
            t = struct.unpack("!I", sec)[0] + struct.unpack("!I", usec)[0] / 1e6
            if abs(t - now) > 120 or struct.unpack("!I", usec)[0] >= 1000000:
                errors.append("%s %s: time %f, now %f" % (cid, kind, t, now))
    want_calls = [cid for cid in calls if sampled(cid, sample)]
    for cid in want_calls:
        if sorted(seen.get(cid, [])) != want_kinds(calls[cid]):
            errors.append("%s: copies %s, want %s" %
                          (cid, seen.get(cid, []), want_kinds(calls[cid])))
    for cid in seen:
        if not sampled(cid, sample):
            errors.append("%s: copied, but not sampled" % cid)
    kinds = [k for v in seen.values() for k in v]
    print(json.dumps({"packets": packets, "calls": len(seen),
                      "acks": kinds.count("ack"),
                      "registers": sum(1 for cid in seen
                                       if want_kinds(calls[cid]) == ["req"]),
                      "expected_calls": len(want_calls),
                      "errors": errors[:10], "n_errors": len(errors)}))
    return 1 if errors else 0


def main():
    cmd = sys.argv[1]
    if cmd == "listen":
        return listen(*sys.argv[2:5])
    if cmd == "client":
        return client(*sys.argv[2:9])
    if cmd == "expect":
        calls = json.load(open(sys.argv[2]))["calls"]
        print(sum(len(want_kinds(c)) for c in calls
                  if sampled(c["callid"], int(sys.argv[3]))))
        return 0
    if cmd == "check":
        return check(*sys.argv[2:7])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
