#!/usr/bin/python3
"""The e2e tests' probes of what sl-xdp answers (tests/e2e/test_edge.sh).

  edge_probe.py ask IFACE DST_MAC SRC_IP DST_IP TAG [UDP_LEN_ADJ]
      send one OPTIONS in a frame built here (scapy: any destination MAC
      and address, a UDP length off by UDP_LEN_ADJ) and print every SIP
      reply to it seen on IFACE within 2 s, one line each:
      "REPLY <src mac> <src ip> <status line>", or "NONE"
  edge_probe.py burst SRC_IP[,SRC_IP...] DST_IP COUNT
      from each SRC_IP in turn (a bound UDP socket), COUNT OPTIONS as fast
      as the socket takes them; then 1 s for the replies; print the
      number answered of each source, in order
  edge_probe.py respond SRC_IP DST_IP VIAS TAG [COUNT]
      COUNT (default 1) copies of a "480 Temporarily Unavailable" from
      SRC_IP:5060 to DST_IP:5060 whose Via headers are VIAS, a comma list
      of HOST:PORT (one Via line each, top first); Call-ID TAG-N

Addresses from the test ranges only; run inside the client namespace.
"""
import socket
import sys
import time


def options(src, dst, sport, tag, n=0):
    def host(a):
        return "[%s]" % a if ":" in a else a
    return ("OPTIONS sip:probe@%s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s-%d\r\n"
            "From: <sip:p@%s>;tag=%s\r\n"
            "To: <sip:probe@%s>\r\n"
            "Call-ID: %s-%d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            % (host(dst), host(src), sport, tag, n, host(src), tag, host(dst),
               tag, n)).encode()


def ask(iface, dst_mac, src, dst, tag, adj):
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import (Ether, IP, IPv6, UDP, Raw, AsyncSniffer,  # noqa
                           conf, sendp)
    conf.verb = 0
    sport = 5066
    payload = options(src, dst, sport, tag)
    ip = IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)
    udp = UDP(sport=sport, dport=5060, len=8 + len(payload) + adj)
    frame = Ether(dst=dst_mac) / ip / udp / Raw(payload)
    # the IP length as built: the UDP length alone is off
    frame = Ether(bytes(frame))
    sniffer = AsyncSniffer(iface=iface, filter="udp and src port 5060")
    sniffer.start()
    time.sleep(0.3)
    sendp(frame, iface=iface)
    time.sleep(2)
    sniffer.stop()
    n = 0
    for p in sniffer.results or []:
        if Raw not in p or (tag + "-0").encode() not in p[Raw].load:
            continue
        if not p[Raw].load.startswith(b"SIP/2.0 "):
            continue
        src_ip = p[IPv6].src if IPv6 in p else p[IP].src
        status = p[Raw].load.split(b"\r\n", 1)[0].decode(errors="replace")
        print("REPLY", p[Ether].src, src_ip, status)
        n += 1
    if not n:
        print("NONE")


def burst(srcs, dst, count):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    socks, got = [], []
    for k, src in enumerate(srcs):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.setblocking(False)
        socks.append(s)
        got.append(set())

    def drain():
        for s, g in zip(socks, got):
            while True:
                try:
                    data, _ = s.recvfrom(65535)
                except BlockingIOError:
                    break
                for line in data.split(b"\r\n"):
                    if line.lower().startswith(b"call-id:"):
                        g.add(line)
    # one source after the other, no pause between them
    for s, src in zip(socks, srcs):
        sport = s.getsockname()[1]
        for i in range(count):
            s.sendto(options(src, dst, sport, "burst", i), (dst, 5060))
            drain()
    end = time.time() + 1.0
    while time.time() < end:
        drain()
        time.sleep(0.01)
    print(" ".join(str(len(g)) for g in got))


def respond(src, dst, vias, tag, count):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 5060))
    via_lines = "".join("Via: SIP/2.0/UDP %s;branch=z9hG4bK-%s-%d\r\n" % (v, tag, k)
                        for k, v in enumerate(vias.split(",")))
    for i in range(count):
        msg = ("SIP/2.0 480 Temporarily Unavailable\r\n%s"
               "From: <sip:a@198.18.2.2>;tag=1\r\nTo: <sip:b@198.18.0.1>;tag=2\r\n"
               "Call-ID: %s-%d\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
               % (via_lines, tag, i))
        s.sendto(msg.encode(), (dst, 5060))


def main():
    cmd = sys.argv[1]
    if cmd == "ask":
        ask(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
            int(sys.argv[7]) if len(sys.argv) > 7 else 0)
    elif cmd == "respond":
        respond(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
                int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    elif cmd == "burst":
        burst(sys.argv[2].split(","), sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
