// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-taptool: what 76-net-tap-hooks needs and the emulated host's
 * busybox lacks (no `ip tuntap`, no setpriv):
 *
 *   hxen-taptool add NAME UID   a persistent TAP (vnet_hdr) owned by UID,
 *                               as `ip tuntap add NAME mode tap user UID
 *                               vnet_hdr` makes for an unprivileged user
 *   hxen-taptool del NAME       remove a persistent TAP
 *   hxen-taptool runas UID CMD [ARG]...
 *                               run CMD as UID:UID with no groups and no
 *                               capabilities
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>

static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "taptool: /dev/net/tun: %s\n", strerror(errno));
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%.15s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "taptool: TUNSETIFF %s: %s\n", name, strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc == 4 && !strcmp(argv[1], "add")) {
		fd = tap_open(argv[2]);
		if (ioctl(fd, TUNSETOWNER, (unsigned long)atoi(argv[3])) < 0 ||
		    ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
			perror("taptool: TUNSETOWNER/TUNSETPERSIST");
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "del")) {
		fd = tap_open(argv[2]);
		if (ioctl(fd, TUNSETPERSIST, 0UL) < 0) {
			perror("taptool: TUNSETPERSIST");
			return 1;
		}
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "runas")) {
		uid_t id = atoi(argv[2]);

		if (setgroups(0, NULL) || setresgid(id, id, id) ||
		    setresuid(id, id, id)) {
			perror("taptool: cannot drop to the user");
			return 1;
		}
		execv(argv[3], argv + 3);
		fprintf(stderr, "taptool: %s: %s\n", argv[3], strerror(errno));
		return 127;
	}
	fprintf(stderr, "usage: hxen-taptool add NAME UID | del NAME | runas UID CMD [ARG]...\n");
	return 2;
}
