/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Save, checkpoint and restore of a whole VM (docs/migration-stream.md):
 *   state_save.c     the VM (paused) into a stream
 *   state_restore.c  --restore FILE: the stream into a freshly set-up VM,
 *                    checked completely before the VM is created
 *   state_incoming.c --incoming: a live migration streamed into this VM
 *   state_xs.c       the xenstore part
 *   state_dev.c      one DEVICE record per PV backend and the console
 */
#ifndef MON_STATE_H
#define MON_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/stream.h"
#include "monitor/stream_xs.h"

struct mon_vm;
struct xs;

struct state_stats {
	uint64_t bytes;		/* of the stream */
	uint64_t ram_pages, zero_pages;
	double ms;		/* time the VM was stopped for the copy */
};

/* main.c hands its command line over: the CONFIG record repeats it. */
void mon_state_set_argv(int argc, char **argv);

/*
 * Write the VM into @fd.  The vCPUs must be parked (ctl pause); the
 * backends are quiesced for the copy and, if @resume_devices, resumed.
 */
int mon_state_save(int fd, bool resume_devices, struct state_stats *st,
		   char *err, size_t errlen);
/* ctl "save": open @path (mode 0600, not overwriting a directory) and save. */
int mon_state_save_file(const char *path, bool resume_devices,
			struct state_stats *st, char *err, size_t errlen);

/* ctl_vm.c: park the vCPUs before they first run (--paused); park/unpark */
void mon_ctl_start_paused(void);
int mon_vm_pause(struct mon_vm *vm);
void mon_vm_resume(struct mon_vm *vm);

/* state_save.c, for the migration code too */
int state_write_head(struct hxs_writer *w, struct mon_vm *vm);
int state_write_machine(struct hxs_writer *w, struct mon_vm *vm, struct xs *xs);
/*
 * The guest pages the module writes through its own mapping, even with
 * the vCPUs parked (a timer that fires sets a pending bit): shared_info,
 * each vcpu_info and time area.  No dirty log sees those writes, and a
 * page read twice (CRC, then write) may differ: a migration's last round
 * sends them whole, a save copies them first.  Their page addresses in
 * a new array *@gpa; how many, or -errno.
 */
int state_xen_pages(struct mon_vm *vm, uint64_t **gpa);	/* free(*gpa) */
struct mon_vm *state_vm(void);
double state_now_ms(void);

/* state_migrate.c: pre-copy to a migrate-receive listening at @host:@port */
struct state_migrate_stats {
	unsigned int rounds;
	uint64_t bytes, pages;
	double downtime_ms, total_ms;
};
int mon_state_migrate(const char *host, const char *port,
		      struct state_migrate_stats *ms, char *err, size_t errlen);

/* state_xs.c; the xenstore lock held */
int state_xs_save(struct xs *xs, struct hxs_buf *b);
int state_xs_load(struct xs *xs, const void *blob, size_t len);

/*
 * state_incoming.c: --incoming, the receiving end of a live migration.
 * head: header, CONFIG, CPUID and RAM_REGION records (LAYOUT phase, a
 * malloc'd copy); rest: RAM straight into @vm, the other records and END
 * appended (VM phase; the caller frees it).  0 or -1 with @why.
 */
bool state_incoming_on(void);
int state_incoming_head(void **buf, size_t *len, char *why, size_t whylen);
int state_incoming_rest(struct mon_vm *vm, void **buf, size_t *len,
			char *why, size_t whylen);
void state_incoming_free(void);
/*
 * main.c: late, just before the vCPUs start (true: too long after END,
 * the sender has given up, so this copy must not run); running, once
 * they run: tell the receiving CLI.
 */
bool state_incoming_late(void);
void mon_state_incoming_running(void);

/* state_dev.c */
int state_dev_save(struct hxs_writer *w);
int state_dev_load(const struct hxs_file *f, char *err, size_t errlen);

#endif /* MON_STATE_H */
