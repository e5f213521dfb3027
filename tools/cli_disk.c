// SPDX-License-Identifier: GPL-2.0
/*
 * hxen disk create | info: make images and gold-master clones (qcow2
 * overlays) and show what an image is, with hxen's own disk code
 * (devices/disk*.c): no QEMU needed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "devices/disk.h"

/* 1536 -> "1.5 KiB" */
static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB" };
	double x = v;
	int i = 0;

	while (x >= 1024 && i < 6) {
		x /= 1024;
		i++;
	}
	if (!i)
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	else
		snprintf(buf, len, "%.3g %s", x, unit[i]);
	return buf;
}

static int disk_create_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "backing", required_argument, NULL, 'b' },
		{ "backing-format", required_argument, NULL, 'F' },
		{ NULL }
	};
	const char *fmt = NULL, *backing = NULL, *bfmt = NULL, *file;
	char err[1024], sz[32];
	uint64_t size = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:b:F:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = optarg;
			break;
		case 'b':
			backing = optarg;
			break;
		case 'F':
			bfmt = optarg;
			break;
		default:
			return cli_usage_error("disk", "bad option for create");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || (argc < 2 && !backing))
		return cli_usage_error("disk", backing ?
				       "create -b BASE takes FILE [SIZE]" :
				       "create takes FILE SIZE");
	if (fmt && strcmp(fmt, "raw") && strcmp(fmt, "qcow2"))
		return cli_usage_error("disk", "-f %s: the formats are raw "
				       "and qcow2", fmt);
	if (bfmt && strcmp(bfmt, "raw") && strcmp(bfmt, "qcow2"))
		return cli_usage_error("disk", "-F %s: the formats are raw "
				       "and qcow2", bfmt);
	if (bfmt && !backing)
		return cli_usage_error("disk", "-F needs -b BASE");
	file = argv[0];
	if (argc == 2 && disk_parse_size(argv[1], &size))
		return cli_usage_error("disk", "'%s' is not a size (bytes, or "
				       "a number with K, M, G or T)", argv[1]);
	if (argc == 2 && !size)
		return cli_usage_error("disk", "the size must not be 0");
	if (disk_create(file, fmt, size, backing, bfmt, err, sizeof(err))) {
		cli_err("%s", err);
		return CLI_ERR;
	}
	if (backing)
		printf("created %s: qcow2 overlay on %s\n", file, backing);
	else
		printf("created %s: %s, %s\n", file, fmt ? fmt : "raw",
		       human(size, sz, sizeof(sz)));
	return CLI_OK;
}

static void print_level(int depth, const struct disk *d)
{
	struct disk_info in;
	char v[32], a[32];

	disk_get_info(d, &in);
	printf("  %d  %s  %s, %s, %s allocated\n", depth, disk_path(d),
	       in.format, human(in.size, v, sizeof(v)),
	       human(in.allocated, a, sizeof(a)));
}

static int disk_info_cmd(int argc, char **argv)
{
	/*
	 * Read-only and without the lock, like `qemu-img info -U`: it
	 * works on an image a VM is using (the numbers may be moving).
	 */
	struct disk_opts o = { .readonly = true, .no_lock = true };
	struct disk_info in;
	struct disk *d;
	char err[1024], v[32], a[32];
	int depth = 0;

	if (argc != 2)
		return cli_usage_error("disk", "info takes one FILE");
	d = disk_open(argv[1], &o, err, sizeof(err));
	if (!d) {
		cli_err("%s", err);
		return CLI_ERR;
	}
	disk_get_info(d, &in);
	printf("file:          %s\n", argv[1]);
	printf("format:        %s\n", in.format);
	printf("virtual size:  %s (%" PRIu64 " bytes)\n",
	       human(in.size, v, sizeof(v)), in.size);
	printf("allocated:     %s (%" PRIu64 " bytes on the host)\n",
	       human(in.allocated, a, sizeof(a)), in.allocated);
	if (in.cluster_size)
		printf("cluster size:  %u\n", in.cluster_size);
	if (in.backing[0])
		printf("backing file:  %s (format %s)\n", in.backing,
		       in.backing_format[0] ? in.backing_format : "probed");
	printf("chain:\n");
	for (const struct disk *l = d; l; l = disk_backing(l))
		print_level(depth++, l);
	disk_close(d);
	return CLI_OK;
}

int cli_disk(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("disk", "expected create or info");
	if (!strcmp(argv[1], "create"))
		return disk_create_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return disk_info_cmd(argc - 1, argv + 1);
	return cli_usage_error("disk", "unknown subcommand '%s' (create, "
			       "info)", argv[1]);
}
