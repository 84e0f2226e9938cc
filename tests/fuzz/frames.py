#!/usr/bin/python3
"""Wrap SIP messages into Ethernet frames, the seeds of fuzz_answer_frame
(tests/fuzz/run_fuzz.sh): each message file in IN_DIR becomes frames in
OUT_DIR, in turn IPv4, IPv6, IPv4 behind an 802.1Q tag, IPv6 behind two
tags (802.1ad + 802.1Q), and IPv4 with options; addresses from the test
ranges.  Checksums are not computed (the responder does not check them).

  frames.py IN_DIR OUT_DIR
"""
import os
import struct
import sys

MAC_D = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")
V4_S, V4_D = bytes([198, 18, 0, 2]), bytes([198, 18, 0, 1])
V6_S = bytes.fromhex("20010002000000000000000000000002")
V6_D = bytes.fromhex("20010002000000000000000000000001")


def udp(payload, sport=5062, dport=5060):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv4(l4, options=b""):
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(l4), 0,
                      0x4000, 64, 17, 0, V4_S, V4_D)
    return hdr + options + l4


def ipv6(l4):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), 17, 64, V6_S, V6_D) + l4


def eth(ethertype, l3, tags=()):
    out = MAC_D + MAC_S
    for tpid, vid in tags:
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", ethertype) + l3


def frames(msg):
    yield eth(0x0800, ipv4(udp(msg)))
    yield eth(0x86DD, ipv6(udp(msg)))
    yield eth(0x0800, ipv4(udp(msg)), ((0x8100, 100),))
    yield eth(0x86DD, ipv6(udp(msg)), ((0x88A8, 10), (0x8100, 20)))
    yield eth(0x0800, ipv4(udp(msg), options=b"\x01\x01\x01\x00"))


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    k = 0
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if not os.path.isfile(path):
            continue
        msg = open(path, "rb").read()[:8000]
        f = list(frames(msg))[k % 5]
        k += 1
        with open(os.path.join(dst, name + ".frame"), "wb") as out:
            out.write(f)


if __name__ == "__main__":
    main()
