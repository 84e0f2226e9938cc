#!/usr/bin/python3
"""Send SIP requests in 802.1Q-tagged frames and read the tagged replies
(the e2e tests' VLAN client: this machine has no 8021q module, so no VLAN
device; scapy writes and reads the tags itself).

  vlan_probe.py IFACE DST_MAC VLAN SRC_IP DST_IP
prints one line per request: the reply's VLAN id and status line, or NONE.
Requests: OPTIONS; INVITE; the ACK for the INVITE's reply (no reply
expected: it is absorbed or passed, the caller checks counters).
"""
import sys
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, Dot1Q, IP, UDP, Raw, conf, srp1, sendp  # noqa: E402

iface, dst_mac, vlan, src, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
conf.verb = 0
SPORT = 5064


def req(method, branch, callid, cseq, to_tag=""):
    return ("%s sip:vlan@%s:5060 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=%s\r\n"
            "From: <sip:probe@%s>;tag=vp1\r\n"
            "To: <sip:vlan@%s>%s\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d %s\r\n"
            "Content-Length: 0\r\n\r\n" % (method, dst, src, SPORT, branch, src, dst,
                                            to_tag, callid, cseq, method)).encode()


def frame(payload):
    return (Ether(dst=dst_mac) / Dot1Q(vlan=vlan) /
            IP(src=src, dst=dst) / UDP(sport=SPORT, dport=5060) / Raw(payload))


def ask(payload):
    ans = srp1(frame(payload), iface=iface, timeout=3)
    if ans is None or Raw not in ans:
        return None, None
    vid = ans[Dot1Q].vlan if Dot1Q in ans else None
    return vid, ans[Raw].load


for method, branch, callid in (("OPTIONS", "z9hG4bK-vl-opt", "vlan-opt@x"),
                               ("INVITE", "z9hG4bK-vl-inv", "vlan-inv@x")):
    vid, body = ask(req(method, branch, callid, 1))
    if body is None:
        print(method, "NONE")
        continue
    status = body.split(b"\r\n", 1)[0].decode(errors="replace")
    print(method, vid, status)
    if method == "INVITE":
        to = [l for l in body.split(b"\r\n") if l.lower().startswith(b"to:")][0]
        tag = to.split(b";tag=")[1].decode()
        ack = req("ACK", branch, callid, 1, ";tag=" + tag).replace(b"CSeq: 1 ACK", b"CSeq: 1 ACK")
        sendp(frame(ack), iface=iface)
        print("ACK sent")
