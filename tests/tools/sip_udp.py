#!/usr/bin/python3
"""Tiny UDP helpers for the e2e tests (Debian's python3, stdlib only).

  sip_udp.py listen ADDR PORT SECONDS OUTFILE   record every datagram
  sip_udp.py send ADDR PORT FILE                send FILE's bytes once
  sip_udp.py tag SEED IP PORT VIA_HOST VIA_PORT BRANCH CALLID
      print Kamailio's 41-char to-tag (an independent re-implementation
      of spec 1.4, to cross-check the C and BPF code)
  sip_udp.py ping ADDR PORT COUNT RATE [LOCAL_PORT]
      send COUNT OPTIONS (distinct Call-IDs) at RATE/s, wait for the
      replies, print a JSON summary: sent, answered, lost, duplicates,
      and how many replies had each "code reason | Retry-After" shape
  sip_udp.py window MASK AGE_MS VIA_HOST VIA_PORT BRANCH CALLID
      print "key hex .. value hex .." for bpftool map update: the
      reply-window entry of our own tag for that Via/Call-ID, sent AGE_MS
      ago (include/sl_xdp_shared.h layout and slot hash)
"""
import hashlib
import socket
import sys
import time


def crc16_x25(data, state=0xFFFF):
    for b in data:
        state ^= b
        for _ in range(8):
            state = (state >> 1) ^ 0x8408 if state & 1 else state >> 1
    return state


def nib4(v):
    return "".join("0123456789abcdef"[(v >> s) & 15] for s in (0, 4, 8, 12))


def tag(seed, ip, port, host, vport, branch, callid):
    sig = hashlib.md5((seed + ip + port).encode()).hexdigest()
    a = crc16_x25((host + vport + branch).encode()) ^ 0xFFFF
    b = crc16_x25((vport + host + callid).encode()) ^ 0xFFFF
    return sig + "." + nib4(a) + nib4(b)


def suffix(host, vport, branch, callid):
    a = crc16_x25((host + vport + branch).encode()) ^ 0xFFFF
    b = crc16_x25((vport + host + callid).encode()) ^ 0xFFFF
    return a << 16 | b


def window_slot(key_suffix, key_tag, mask):
    h = key_suffix ^ ((key_tag * 0x9E3779B1) & 0xFFFFFFFF)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    return h & mask


def hexbytes(b):
    return " ".join("%02x" % x for x in b)


def ping(addr, port, count, rate, lport=0):
    import json
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", lport))
    s.setblocking(False)
    local_port = s.getsockname()[1]
    got, shapes, dups = {}, {}, 0

    def drain():
        nonlocal dups
        while True:
            try:
                data, _ = s.recvfrom(65535)
            except BlockingIOError:
                return
            text = data.decode(errors="replace")
            lines = text.split("\r\n")
            cid = [l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("call-id:")]
            extra = [l for l in lines if l.lower().startswith("retry-after:")]
            shape = lines[0] + (" | " + extra[0] if extra else "")
            if cid and cid[0] in got:
                dups += 1
            if cid:
                got[cid[0]] = shape
            shapes[shape] = shapes.get(shape, 0) + 1

    gap = 1.0 / rate
    t0 = time.time()
    order = []
    for i in range(count):
        cid = "ping-%d-%d@198.18.0.2" % (local_port, i)
        msg = ("OPTIONS sip:ping@%s:%d SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 198.18.0.2:%d;branch=z9hG4bK-p%d\r\n"
               "From: <sip:p@198.18.0.2>;tag=p\r\n"
               "To: <sip:ping@%s>\r\n"
               "Call-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
               % (addr, port, local_port, i, addr, cid))
        s.sendto(msg.encode(), (addr, port))
        order.append(cid)
        drain()
        delay = t0 + (i + 1) * gap - time.time()
        if delay > 0:
            time.sleep(delay)
    end = time.time() + 1.0
    while time.time() < end:
        drain()
        time.sleep(0.01)
    seq = [got[c] for c in order if c in got]
    changes = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
    print(json.dumps({"sent": count, "answered": len(got), "lost": count - len(got),
                      "duplicates": dups, "shapes": shapes, "changes": changes}))


def main():
    cmd = sys.argv[1]
    if cmd == "listen":
        addr, port, secs, out = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, port))
        s.settimeout(0.1)
        open(out + ".ready", "w").close()
        end = time.time() + secs
        with open(out, "ab") as f:
            while time.time() < end:
                try:
                    data, _ = s.recvfrom(65535)
                except socket.timeout:
                    continue
                f.write(data.replace(b"\n", b"\\n") + b"\n")
                f.flush()
    elif cmd == "send":
        addr, port, path = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(open(path, "rb").read(), (addr, port))
    elif cmd == "ping":
        ping(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]),
             int(sys.argv[6]) if len(sys.argv) > 6 else 0)
    elif cmd == "window":
        mask, age_ms = int(sys.argv[2], 0), int(sys.argv[3])
        suf = suffix(*sys.argv[4:8])
        sent = time.clock_gettime_ns(time.CLOCK_MONOTONIC) - age_ms * 1000000
        slot = window_slot(suf, 0, mask)
        print("key hex", hexbytes(slot.to_bytes(4, "little")), "value hex",
              hexbytes(sent.to_bytes(8, "little") + suf.to_bytes(4, "little") + bytes(4)))
    elif cmd == "tag":
        print(tag(*sys.argv[2:9]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
