// SPDX-License-Identifier: GPL-2.0
/*
 * Work a done() callback defers to the end of its batch of completions
 * (devices/disk.h, disk_defer).  The block backend uses it to notify the
 * guest once per batch of responses instead of once per response: an
 * event-channel kick is an interrupt in the guest, and the completions of
 * one io_uring wake-up arrive together anyway.
 *
 * Per thread: the disk layer's completion threads, and the callers of
 * disk_batch_begin()/end() (the backend's ring worker, whose failed
 * requests complete inline).
 */
#include <stdbool.h>

#include "devices/disk.h"

#define DISK_BATCH_MAX	16

static __thread struct {
	unsigned int depth;		/* nested begins */
	unsigned int n;
	struct {
		disk_batch_fn fn;
		void *arg;
	} w[DISK_BATCH_MAX];
} batch;

void disk_batch_begin(void)
{
	batch.depth++;
}

void disk_batch_end(void)
{
	if (!batch.depth || --batch.depth)
		return;
	/* fn may complete more requests (and defer again): run in order */
	for (unsigned int i = 0; i < batch.n; i++)
		batch.w[i].fn(batch.w[i].arg);
	batch.n = 0;
}

void disk_defer(disk_batch_fn fn, void *arg)
{
	if (!batch.depth) {
		fn(arg);
		return;
	}
	/*
	 * Every call runs, none is merged with an earlier one: a caller may
	 * count on its fn running (the block backend's deferred kick holds
	 * an in-flight count that only the kick drops).
	 */
	if (batch.n == DISK_BATCH_MAX) {
		fn(arg);	/* no room: do not lose it, run it now */
		return;
	}
	batch.w[batch.n].fn = fn;
	batch.w[batch.n].arg = arg;
	batch.n++;
}
