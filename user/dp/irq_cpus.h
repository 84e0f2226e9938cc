/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the kernel handles each RX queue's interrupt: the CPU to run
 * that queue's responder thread on by default (cpus = auto), so that the
 * request's softirq, the thread and the reply stay on one CPU's caches.
 */
#ifndef SL_DP_IRQ_CPUS_H
#define SL_DP_IRQ_CPUS_H

/*
 * For queues 0 .. n-1 of ifname, the first CPU of the affinity of the
 * interrupt whose name in /proc/interrupts belongs to that queue:
 * "IFNAME-...-Q" or "IFNAME-Q" (igb, ixgbe, i40e, ice, bnxt, ...) or
 * "mlx5_compQ@pci:ADDR" with ADDR the interface's PCI device.  cpu[q]
 * is -1 where none is found (veth, virtio, a queue sharing a vector).
 * Returns how many were found.
 */
int sl_irq_queue_cpus(const char *ifname, int *cpu, unsigned int n);

/* Whether this process may run on cpu (its affinity mask: cpusets and
 * taskset included).  Fills allowed with the mask as a list ("0-3,8")
 * for messages. */
int sl_cpu_allowed(unsigned int cpu, char *allowed, unsigned int allowed_len);

#endif /* SL_DP_IRQ_CPUS_H */
