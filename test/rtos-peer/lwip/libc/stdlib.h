/* SPDX-License-Identifier: GPL-2.0-only */
/* What lwIP's core takes from <stdlib.h> (netif_find()): lib.c's atoi. */
#ifndef PEER_LIBC_STDLIB_H
#define PEER_LIBC_STDLIB_H
#include <stddef.h>
int atoi(const char *s);
#endif
