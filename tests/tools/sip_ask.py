#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send one SIP request over UDP and print the status line of its reply,
or NONE when none comes (the e2e tests' way to ask a rule table).

  sip_ask.py [options] DST_IP METHOD CALLID
    --src IP          local address (default: any)
    --from USER@HOST  From URI (default: alice@<src or 198.18.0.2>)
    --to USER         To user (default: bob)
    --ua TEXT         a User-Agent header
    --crlf N          N CR LF pairs in front of the request line
    --pad N           an X-Pad header of N bytes (more than the MTU: the
                      kernel sends IP fragments)
    --timeout S       seconds to wait for the reply (default 1.5)

Port 5060 on both sides' SIP end: the request goes to DST_IP:5060 from an
ephemeral port.  Exit 0 either way; the caller compares the line.
"""
import argparse
import socket


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dst")
    ap.add_argument("method")
    ap.add_argument("callid")
    ap.add_argument("--src", default="")
    ap.add_argument("--from", dest="frm", default="")
    ap.add_argument("--to", default="bob")
    ap.add_argument("--ua", default="")
    ap.add_argument("--crlf", type=int, default=0)
    ap.add_argument("--pad", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1.5)
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((a.src or ("::" if fam == socket.AF_INET6 else "0.0.0.0"), 0))
    lip, lport = s.getsockname()[:2]
    host = "[%s]" % lip if ":" in lip else lip
    frm = a.frm or "alice@%s" % host
    dst = "[%s]" % a.dst if ":" in a.dst else a.dst
    msg = ("\r\n" * a.crlf +
           "%s sip:%s@%s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:%s>;tag=ask\r\n"
           "To: <sip:%s@%s>\r\n"
           "Call-ID: %s\r\n"
           "CSeq: 1 %s\r\n"
           % (a.method, a.to, dst, host, lport, a.callid, frm, a.to, dst,
              a.callid, a.method))
    if a.ua:
        msg += "User-Agent: %s\r\n" % a.ua
    if a.pad:
        msg += "X-Pad: %s\r\n" % ("p" * a.pad)
    msg += "Content-Length: 0\r\n\r\n"
    s.settimeout(a.timeout)
    s.sendto(msg.encode(), (a.dst, 5060))
    try:
        data = s.recv(65535)
        print(data.split(b"\r\n", 1)[0].decode(errors="replace"))
    except socket.timeout:
        print("NONE")


if __name__ == "__main__":
    main()
