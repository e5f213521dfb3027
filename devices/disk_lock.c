// SPDX-License-Identifier: GPL-2.0
/*
 * Image locking, with QEMU's sharing rules: one writer alone, or any
 * number of readers (backing files shared by many VMs).  The lock is an
 * open file description lock on the whole file: it belongs to this open
 * of the image (a second open in the same process conflicts too), and it
 * goes away when the file is closed or the process dies.  QEMU's own
 * locks are OFD locks on bytes of the same file, so hxen and a running
 * QEMU keep off each other's images as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "devices/disk_impl.h"

int disk_lock(int fd, const char *path, bool write, char *err, size_t errlen)
{
	struct flock fl = {
		.l_type = write ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
	};
	struct flock held;

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno != EAGAIN && errno != EACCES) {
		int e = errno;

		disk_errf(err, errlen, "%s: cannot lock the image: %s "
			  "(on a file system without locks, use no_lock)",
			  path, strerror(e));
		return -e;
	}
	held = fl;
	if (fcntl(fd, F_OFD_GETLK, &held) < 0)
		held.l_type = F_UNLCK;
	disk_errf(err, errlen, "%s: the image is in use: another process "
		  "holds %s lock on it, so it cannot be opened %s; stop the "
		  "VM or tool using it (or open it read-only beside readers)",
		  path, held.l_type == F_WRLCK ?
		  "an exclusive (write)" : "a shared (read)",
		  write ? "for writing" : "read-only");
	return -EBUSY;
}
