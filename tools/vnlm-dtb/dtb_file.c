// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a DTB whole and checked, and writing one so that a reader never
 * sees it half written: a temporary file in the same directory, fsync,
 * rename over the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vnlm_dtb.h"

#define DTB_MAX_SIZE	(64 << 20)

int dtb_load(const char *path, struct dtb *dtb)
{
	struct stat st;
	ssize_t got;
	void *buf;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size < (off_t)sizeof(struct fdt_header) || st.st_size > DTB_MAX_SIZE) {
		fprintf(stderr, "%s: not a DTB (%lld bytes)\n", path, (long long)st.st_size);
		close(fd);
		return -1;
	}
	buf = malloc(st.st_size);
	got = buf ? read(fd, buf, st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	/* Every offset, string and tag checked once, so later walks can trust it. */
	err = fdt_check_full(buf, st.st_size);
	if (err) {
		fprintf(stderr, "%s: malformed DTB: %s\n", path, fdt_strerror(err));
		free(buf);
		return -1;
	}
	dtb->fdt = buf;
	dtb->size = st.st_size;
	return 0;
}

int dtb_grow(struct dtb *dtb, int extra)
{
	int size = fdt_totalsize(dtb->fdt) + extra;
	void *buf = malloc(size);
	int err;

	if (!buf)
		return -FDT_ERR_NOSPACE;
	err = fdt_open_into(dtb->fdt, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	free(dtb->fdt);
	dtb->fdt = buf;
	dtb->size = size;
	return 0;
}

int dtb_save(const char *path, struct dtb *dtb)
{
	char tmp[4096];
	size_t len;
	int fd, err;

	err = fdt_pack(dtb->fdt);
	if (!err)
		err = fdt_check_full(dtb->fdt, fdt_totalsize(dtb->fdt));
	if (err) {
		fprintf(stderr, "%s: refusing to write a broken DTB: %s\n", path, fdt_strerror(err));
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "%s: path too long\n", path);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create a temporary file: %s\n", path, strerror(errno));
		return -1;
	}
	len = fdt_totalsize(dtb->fdt);
	if (write(fd, dtb->fdt, len) != (ssize_t)len || fchmod(fd, 0644) || fsync(fd)) {
		fprintf(stderr, "%s: write failed: %s\n", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path)) {
		fprintf(stderr, "%s: rename failed: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void dtb_free(struct dtb *dtb)
{
	free(dtb->fdt);
	dtb->fdt = NULL;
}
