/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Call-ID word hash, one definition for the XDP program (which of a
 * queue's sockets answers, bpf/xsk_dispatch.h; which HEP reports are
 * sampled, bpf/hep_report.h) and the responder (user/run/hep_mirror.c,
 * which must sample the same calls as the XDP program): the bytes read
 * as little-endian 64-bit words, the last one padded with zeros, each
 * mixed in with sl_callid_hash_step(); sl_callid_hash_final() is
 * murmur3's finaliser (every input bit reaches the low digits).
 * Included after vmlinux.h (BPF) or <linux/types.h> (userspace).
 */
#ifndef SL_CALLID_HASH_H
#define SL_CALLID_HASH_H

#define SL_CALLID_HASH_SEED	0x9e3779b97f4a7c15ULL

static inline __u64 sl_callid_hash_step(__u64 h, __u64 word)
{
	h = (h ^ word) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static inline __u64 sl_callid_hash_final(__u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

#endif /* SL_CALLID_HASH_H */
