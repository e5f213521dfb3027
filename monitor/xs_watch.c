// SPDX-License-Identifier: GPL-2.0
/*
 * xenstore watches.  A watch on P fires for a change of P or of any node
 * below it; removing a subtree also fires the watches set below the removed
 * node, with their own path (as xenstored does).  Changes are queued while
 * a request runs and fired after its reply, so a guest always sees "OK"
 * before the events it caused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

/* Is @path equal to @dir or below it? */
static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int xs_watch_add(struct xs *xs, struct xs_conn *c, const char *abs,
		 const char *token, bool relative, xs_watch_fn fn, void *op)
{
	struct xs_watch *w;

	for (w = xs->watches; w; w = w->next)
		if (w->conn == c && !strcmp(w->path, abs) &&
		    (c ? !strcmp(w->token, token) :
			 (w->fn == fn && w->opaque == op)))
			return -EEXIST;
	if (c && c->nwatches >= XS_MAX_WATCHES)
		return -ENOSPC;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(abs);
	w->token = strdup(token ? token : "");
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->conn = c;
	w->relative = relative;
	w->fn = fn;
	w->opaque = op;
	w->next = xs->watches;
	xs->watches = w;
	if (c)
		c->nwatches++;
	/*
	 * The caller fires the new watch (xs->watches) once, after its reply:
	 * a new watch fires at once [docs/misc/xenstore.txt, WATCH].
	 */
	return 0;
}

static void watch_free(struct xs *xs, struct xs_watch **pp)
{
	struct xs_watch *w = *pp;

	*pp = w->next;
	if (w->conn)
		w->conn->nwatches--;
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_del(struct xs *xs, struct xs_conn *c, const char *abs,
		 const char *token, xs_watch_fn fn, void *op)
{
	struct xs_watch **pp;

	for (pp = &xs->watches; *pp; pp = &(*pp)->next) {
		struct xs_watch *w = *pp;

		if (w->conn != c || strcmp(w->path, abs))
			continue;
		if (c ? !strcmp(w->token, token) :
			(w->fn == fn && w->opaque == op)) {
			watch_free(xs, pp);
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_del_conn(struct xs *xs, struct xs_conn *c)
{
	struct xs_watch **pp = &xs->watches;

	while (*pp) {
		if ((*pp)->conn == c)
			watch_free(xs, pp);
		else
			pp = &(*pp)->next;
	}
}

void xs_watch_fire_one(struct xs *xs, struct xs_watch *w, const char *abs)
{
	struct xs_conn *c = w->conn;
	const char *epath = abs;
	size_t hl;

	if (!c) {
		w->fn(xs, abs, w->opaque);
		return;
	}
	if (w->relative) {
		hl = strlen(c->home);
		if (!strncmp(abs, c->home, hl) && abs[hl] == '/')
			epath = abs + hl + 1;
	}
	xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, epath, strlen(epath) + 1,
		      w->token, strlen(w->token) + 1, true);
}

void xs_change_queue(struct xs *xs, const char *abs, bool recursive)
{
	struct xs_change *ch = calloc(1, sizeof(*ch));

	if (!ch || !(ch->path = strdup(abs))) {
		free(ch);
		return;		/* out of memory: the event is lost */
	}
	ch->recursive = recursive;
	*xs->changes_tail = ch;
	xs->changes_tail = &ch->next;
}

static void fire_change(struct xs *xs, const struct xs_change *ch)
{
	struct xs_watch *w, *next;

	for (w = xs->watches; w; w = next) {
		/* an internal callback may remove its own watch */
		next = w->next;
		if (w->path[0] == '@')
			continue;
		if (is_under(ch->path, w->path))
			xs_watch_fire_one(xs, w, ch->path);
		else if (ch->recursive && is_under(w->path, ch->path))
			xs_watch_fire_one(xs, w, w->path);
	}
}

/* Fire queued changes; callbacks may queue more, which fire in order. */
void xs_change_flush(struct xs *xs)
{
	struct xs_change *ch;

	if (xs->firing)
		return;
	xs->firing = true;
	while ((ch = xs->changes)) {
		xs->changes = ch->next;
		if (!xs->changes)
			xs->changes_tail = &xs->changes;
		fire_change(xs, ch);
		free(ch->path);
		free(ch);
	}
	xs->firing = false;
}
