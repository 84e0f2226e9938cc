#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Keeps BPF run-time statistics (run_cnt, run_time_ns) on while it runs:
BPF_ENABLE_STATS gives a file descriptor, and the kernel counts as long as
one is open.  Unlike the kernel.bpf_stats_enabled sysctl it is counted per
holder, so another process switching the sysctl off does not stop it and
nothing global is left changed when this ends.  Prints "enabled" once on,
then waits until killed or until its standard input closes (x86-64)."""
import ctypes
import os
import signal
import sys

NR_BPF = 321            # x86-64
BPF_ENABLE_STATS = 32
BPF_STATS_RUN_TIME = 0

libc = ctypes.CDLL(None, use_errno=True)
attr = ctypes.c_uint32(BPF_STATS_RUN_TIME)      # union bpf_attr.enable_stats
fd = libc.syscall(NR_BPF, BPF_ENABLE_STATS, ctypes.byref(attr), ctypes.sizeof(attr))
if fd < 0:
    sys.stderr.write("bpf_stats_hold: BPF_ENABLE_STATS: %s\n"
                     % os.strerror(ctypes.get_errno()))
    sys.exit(1)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("enabled", flush=True)
try:
    while sys.stdin.read(4096):
        pass
    signal.pause()      # stdin was /dev/null or closed: wait for the signal
except KeyboardInterrupt:
    pass
