/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lwIP's port header for the freestanding RTOS test peer: the compiler's
 * own headers only (stddef.h, stdint.h, limits.h), no libc.  The few
 * string routines lwIP calls are the peer's lib.c.
 */
#ifndef PEER_LWIP_ARCH_CC_H
#define PEER_LWIP_ARCH_CC_H

#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_LIMITS_H	1	/* GCC's limits.h wants the libc's */
#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"lu"

#define BYTE_ORDER		LITTLE_ENDIAN

/* lwIP_peer.c: an assertion stops the peer as a fault would. */
void peer_lwip_assert(const char *msg, const char *file, int line);
#define LWIP_PLATFORM_DIAG(x)	do { } while (0)
#define LWIP_PLATFORM_ASSERT(x)	peer_lwip_assert((x), __FILE__, __LINE__)

/* Only IGMP's report delay uses it: any spread will do. */
unsigned int peer_lwip_rand(void);
#define LWIP_RAND()		peer_lwip_rand()

#endif /* PEER_LWIP_ARCH_CC_H */
