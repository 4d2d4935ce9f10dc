// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libc routines GCC may emit calls to in freestanding code, and the few
 * more lwIP's core calls (lwip/libc/string.h, stdlib.h declare them there).
 */
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int atoi(const char *s);

void *memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n--; x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n--; a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int atoi(const char *s)
{
	int v = 0, neg = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

#ifdef __arm__
/*
 * ARMv7-A has no divide instruction (the Cortex-A9 has none at all) and the
 * peer links no libgcc: the run-time ABI's unsigned 32-bit division, which
 * lwIP's IGMP timer (a modulo) needs.  __aeabi_uidivmod returns the
 * quotient in r0 and the remainder in r1: a 64-bit return value's halves.
 */
unsigned int __aeabi_uidiv(unsigned int n, unsigned int d);
unsigned long long __aeabi_uidivmod(unsigned int n, unsigned int d);

unsigned long long __aeabi_uidivmod(unsigned int n, unsigned int d)
{
	unsigned int q = 0, r = 0;
	int i;

	if (!d)
		return 0;	/* as the ABI allows: no trap here */
	for (i = 31; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1u << i;
		}
	}
	return ((unsigned long long)r << 32) | q;
}

unsigned int __aeabi_uidiv(unsigned int n, unsigned int d)
{
	return (unsigned int)__aeabi_uidivmod(n, d);
}
#endif
