#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send one SIP INVITE or its ACK from a fixed local address and port.

    sip_exchange.py invite LOCAL_IP LOCAL_PORT DST_IP DST_PORT CALLID BRANCH
        send the INVITE, wait up to 2 s for a reply, print its status line
        and the To-tag ("486 Busy Here <tag>"); exit 1 without a reply
    sip_exchange.py ack LOCAL_IP LOCAL_PORT DST_IP DST_PORT CALLID BRANCH TAG
        send the ACK of that INVITE's negative reply (same Via branch, To
        with TAG), print nothing

The Via sent-by is LOCAL_IP:LOCAL_PORT, the same in both, so the ACK's
top Via and Call-ID give the to-tag suffix of the reply it acknowledges.
"""
import re
import socket
import sys


def request(method, lip, lport, dip, dport, callid, branch, tag=None):
    to = "<sip:busy@%s>" % dip + (";tag=" + tag if tag else "")
    return ("%s sip:busy@%s:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=%s\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:caller@%s>;tag=caller-1\r\n"
            "To: %s\r\n"
            "Call-ID: %s\r\n"
            "CSeq: 1 %s\r\n"
            "Content-Length: 0\r\n\r\n"
            % (method, dip, dport, lip, lport, branch, lip, to, callid,
               method)).encode()


def main():
    cmd, lip, lport, dip, dport, callid, branch = sys.argv[1:8]
    lport, dport = int(lport), int(dport)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((lip, lport))
    if cmd == "ack":
        s.sendto(request("ACK", lip, lport, dip, dport, callid, branch,
                         sys.argv[8]), (dip, dport))
        return 0
    s.sendto(request("INVITE", lip, lport, dip, dport, callid, branch),
             (dip, dport))
    s.settimeout(2.0)
    try:
        data, _ = s.recvfrom(65535)
    except socket.timeout:
        print("no reply")
        return 1
    text = data.decode(errors="replace")
    status = text.split("\r\n", 1)[0].split(" ", 1)[1]
    m = re.search(r"^To:.*;tag=([^;\r\n]+)", text, re.M | re.I)
    print(status, m.group(1) if m else "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
