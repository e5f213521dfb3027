// SPDX-License-Identifier: GPL-2.0
/*
 * A FIFO of requests and a few threads that run each one synchronously,
 * then report its result: the thread-pool back end of the disk I/O
 * engine, and the qcow2 worker (one thread, so metadata is serialised).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "devices/disk_impl.h"
#include "monitor/thread.h"

struct pool_job {
	struct disk_req *req;
	struct pool_job *next;
};

struct disk_io_pool {
	disk_pool_run_fn run;
	disk_io_done_fn done;
	void *opaque;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pool_job *head, **tail;
	bool stop;
	unsigned int nthreads;
	pthread_t threads[];
};

static void *pool_thread(void *arg)
{
	struct disk_io_pool *p = arg;

	mon_thread_no_thp();
	for (;;) {
		struct pool_job *j;
		struct disk_req *req;

		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		j = p->head;
		if (!j) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		p->head = j->next;
		if (!p->head)
			p->tail = &p->head;
		pthread_mutex_unlock(&p->lock);
		req = j->req;
		free(j);
		p->done(p->opaque, req, p->run(p->opaque, req));
	}
}

struct disk_io_pool *disk_io_pool_create(disk_pool_run_fn run,
					 disk_io_done_fn done, void *opaque,
					 unsigned int n)
{
	struct disk_io_pool *p;

	p = calloc(1, sizeof(*p) + n * sizeof(p->threads[0]));
	if (!p)
		return NULL;
	p->run = run;
	p->done = done;
	p->opaque = opaque;
	p->tail = &p->head;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (; p->nthreads < n; p->nthreads++) {
		int e = pthread_create(&p->threads[p->nthreads], NULL,
				       pool_thread, p);

		if (e) {
			disk_io_pool_destroy(p);
			errno = e;
			return NULL;
		}
	}
	return p;
}

void disk_io_pool_queue(struct disk_io_pool *p, struct disk_req *req)
{
	struct pool_job *j = malloc(sizeof(*j));

	if (!j) {
		p->done(p->opaque, req, -ENOMEM);
		return;
	}
	j->req = req;
	j->next = NULL;
	pthread_mutex_lock(&p->lock);
	*p->tail = j;
	p->tail = &j->next;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Runs what is queued, then stops the threads. */
void disk_io_pool_destroy(struct disk_io_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
