// SPDX-License-Identifier: GPL-2.0-only
/* Console output through Arm semihosting (QEMU: -semihosting-config). */
#include "hw.h"

#define SYS_WRITE0	0x04

void semihost_puts(const char *s)
{
	semihost_call(SYS_WRITE0, s);
}

void semihost_put_hex(const char *prefix, uint64_t v)
{
	char buf[20];
	int i;

	semihost_puts(prefix);
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = '\n';
	buf[19] = 0;
	semihost_puts(buf);
}
