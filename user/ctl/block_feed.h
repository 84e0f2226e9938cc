/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `sl-ctl block import` reads: a plain list (one prefix a line, '#'
 * comments, blank lines) or an APIBAN answer ({"ipaddress": [...],
 * "ID": "..."}, told apart by its first non-blank byte, '{').
 */
#ifndef SL_CTL_BLOCK_FEED_H
#define SL_CTL_BLOCK_FEED_H

#include <stddef.h>
#include "dp/block.h"

/* Every prefix of the file into *out (malloc'd, *n of them), or -1 with
 * "FILE:LINE: why" (a JSON feed: "FILE: ipaddress[I]: why") on stderr
 * and nothing returned.  A JSON feed's ID is printed ("apiban ID: X"),
 * so that a feeder asks for what came after it next time. */
int ctl_block_read_feed(const char *path, struct sl_block_pfx **out, size_t *n);

#endif /* SL_CTL_BLOCK_FEED_H */
