// SPDX-License-Identifier: GPL-2.0
/*
 * DEVICE records: one per xenbus backend (be_core's device list, each
 * with its xenbus states and its save hook's blob) and one for the PV
 * console, whose blob is the input it holds back until the guest's ring
 * has room.  The xenstore and console rings themselves are guest RAM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_console.h"
#include "devices/be_core.h"
#include "monitor/pvh.h"
#include "monitor/state.h"

#define DEV_BLOB_MAX	(64 * 1024)

static int write_dev(struct hxs_writer *w, const struct hxs_device *h,
		     const void *blob, size_t len)
{
	const void *parts[2] = { h, blob };
	size_t lens[2] = { sizeof(*h), len };

	return hxs_write_rec(w, HXS_DEVICE, 1, parts, lens, 2);
}

int state_dev_save(struct hxs_writer *w)
{
	struct be_console *con = pvh_console();
	uint8_t *blob = malloc(DEV_BLOB_MAX);
	int r = blob ? 0 : -ENOMEM;

	for (struct be_dev *d = be_core_devices(); d && !r; d = d->next) {
		struct hxs_device h = {
			.devid = d->devid, .state = d->state,
			.fstate = d->fstate, .connected = d->connected,
		};
		size_t used = 0;

		strncpy(h.type, d->ops->type, sizeof(h.type) - 1);
		r = be_core_save_dev(d, blob, DEV_BLOB_MAX, &used);
		if (!r && used > DEV_BLOB_MAX)
			r = -EOVERFLOW;
		if (!r)
			r = write_dev(w, &h, blob, used);
	}
	if (!r && con) {
		struct hxs_device h = { .type = "console" };
		uint32_t n;

		pthread_mutex_lock(&con->lock);
		n = (uint32_t)con->npending;
		memcpy(blob, &n, 4);
		memcpy(blob + 4, con->pending, n);
		pthread_mutex_unlock(&con->lock);
		r = write_dev(w, &h, blob, 4 + n);
	}
	free(blob);
	return r;
}

static int load_console(const uint8_t *blob, size_t len, char *err,
			size_t errlen)
{
	struct be_console *con = pvh_console();
	uint32_t n;

	if (len < 4 || (memcpy(&n, blob, 4), n != len - 4) ||
	    n > sizeof(con->pending)) {
		snprintf(err, errlen, "console record: bad held-back input");
		return -EINVAL;
	}
	if (!con)
		return 0;	/* saved with a console, restored without */
	pthread_mutex_lock(&con->lock);
	memcpy(con->pending, blob + 4, n);
	con->npending = n;
	pthread_mutex_unlock(&con->lock);
	return 0;
}

int state_dev_load(const struct hxs_file *f, char *err, size_t errlen)
{
	unsigned int want = 0, got = 0;

	for (struct be_dev *d = be_core_devices(); d; d = d->next)
		want++;
	for (unsigned int i = 0; i < f->n; i++) {
		const struct hxs_rec *r = &f->recs[i];
		const struct hxs_device *h = (const void *)r->body;
		const uint8_t *blob = (const uint8_t *)(h + 1);
		size_t len;
		struct be_dev *d;
		int e;

		if (r->type != HXS_DEVICE)
			continue;
		len = r->length - sizeof(*h);
		if (!strcmp(h->type, "console")) {
			e = load_console(blob, len, err, errlen);
			if (e)
				return e;
			continue;
		}
		for (d = be_core_devices(); d; d = d->next)
			if (!strcmp(d->ops->type, h->type) && d->devid == h->devid)
				break;
		if (!d) {
			snprintf(err, errlen, "device %s/%u of the saved VM is "
				 "not configured here", h->type, h->devid);
			return -ENODEV;
		}
		e = be_core_load_dev(d, h->state, h->fstate, h->connected,
				     blob, len);
		if (e) {
			snprintf(err, errlen, "device %s/%u did not reconnect "
				 "(%s): see the log above", h->type, h->devid,
				 strerror(-e));
			return e;
		}
		got++;
	}
	if (got != want) {
		snprintf(err, errlen, "%u of %u configured devices are in the "
			 "saved state", got, want);
		return -ENODEV;
	}
	return 0;
}
