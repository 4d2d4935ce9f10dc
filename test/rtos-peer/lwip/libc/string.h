/* SPDX-License-Identifier: GPL-2.0-only */
/* What lwIP's core takes from <string.h>: the peer's lib.c has them. */
#ifndef PEER_LIBC_STRING_H
#define PEER_LIBC_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif
