// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE	/* sched_getaffinity, CPU_ISSET */
#include <ctype.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp/irq_cpus.h"

/* First CPU of an IRQ's (effective) affinity list; -1 if unreadable. */
static int irq_first_cpu(unsigned long irq)
{
	static const char *const files[] = { "effective_affinity_list",
					     "smp_affinity_list" };
	char path[64];
	int cpu = -1;

	for (size_t i = 0; i < 2 && cpu < 0; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/irq/%lu/%s", irq, files[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%d", &cpu) != 1)
			cpu = -1;
		fclose(f);
	}
	return cpu;
}

/* "12" -> 12; -1 unless s is all digits. */
static long decimal(const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The RX queue an interrupt name stands for, -1 if none of ifname's. */
static long name_queue(const char *name, const char *ifname, const char *pci)
{
	size_t il = strlen(ifname);
	const char *last;

	/* IFNAME-Q, IFNAME-TxRx-Q, IFNAME-rx-Q; not IFNAME-tx-Q */
	if (!strncmp(name, ifname, il) && name[il] == '-') {
		last = strrchr(name, '-');
		if (strstr(name + il, "-tx-") == name + il)
			return -1;
		return decimal(last + 1, strlen(last + 1));
	}
	/* mlx5_compQ@pci:ADDR */
	if (pci && !strncmp(name, "mlx5_comp", 9)) {
		const char *at = strchr(name, '@');

		if (at && !strncmp(at, "@pci:", 5) && !strcmp(at + 5, pci))
			return decimal(name + 9, at - (name + 9));
	}
	return -1;
}

int sl_irq_queue_cpus(const char *ifname, int *cpu, unsigned int n)
{
	char path[PATH_MAX], link[PATH_MAX], *line = NULL, *pci = NULL;
	size_t cap = 0;
	ssize_t len;
	int found = 0;
	FILE *f;

	for (unsigned int q = 0; q < n; q++)
		cpu[q] = -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifname);
	len = readlink(path, link, sizeof(link) - 1);
	if (len > 0) {
		link[len] = 0;
		pci = strrchr(link, '/');
		pci = pci ? pci + 1 : link;
	}
	f = fopen("/proc/interrupts", "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *end, *name;
		unsigned long irq;
		long q;

		while (*p == ' ')
			p++;
		irq = strtoul(p, &end, 10);
		if (end == p || *end != ':')
			continue;	/* the header, NMI:, LOC:, ... */
		end[strcspn(end, "\n")] = 0;
		name = strrchr(end, ' ');
		if (!name)
			continue;
		q = name_queue(name + 1, ifname, pci);
		if (q < 0 || (unsigned long)q >= n || cpu[q] >= 0)
			continue;
		cpu[q] = irq_first_cpu(irq);
		if (cpu[q] >= 0)
			found++;
	}
	free(line);
	fclose(f);
	return found;
}

int sl_cpu_allowed(unsigned int cpu, char *allowed, unsigned int allowed_len)
{
	cpu_set_t set;
	size_t used = 0;
	int i, start = -1;

	if (allowed_len)
		allowed[0] = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;	/* cannot tell: let the thread try */
	for (i = 0; i <= CPU_SETSIZE && allowed_len; i++) {
		bool in = i < CPU_SETSIZE && CPU_ISSET(i, &set);

		if (in && start < 0)
			start = i;
		if (!in && start >= 0) {
			int w = snprintf(allowed + used, allowed_len - used,
					 start == i - 1 ? "%s%d" : "%s%d-%d",
					 used ? "," : "", start, i - 1);

			if (w < 0 || (size_t)w >= allowed_len - used)
				break;
			used += w;
			start = -1;
		}
	}
	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);
}
