#!/usr/bin/python3
"""Tiny UDP helpers for the e2e tests (Debian's python3, stdlib only).

  sip_udp.py listen ADDR PORT SECONDS OUTFILE   record every datagram
  sip_udp.py send ADDR PORT FILE                send FILE's bytes once
  sip_udp.py tag SEED IP PORT VIA_HOST VIA_PORT BRANCH CALLID
      print Kamailio's 41-char to-tag (an independent re-implementation
      of spec 1.4, to cross-check the C and BPF code)
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
