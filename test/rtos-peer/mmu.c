// SPDX-License-Identifier: GPL-2.0-only
/*
 * The peer's address map, VA = PA, as an RTOS sets one up:
 *   the GIC and every other device below RAM        Device
 *   RAM (its own image, stack and log included)      Normal write-back
 *   the blocks holding a shared region, and the      PEER_MEM_NC: Normal
 *   test mailbox cells (Linux writes both)           non-cacheable;
 *                                                    PEER_MEM_CACHED_INVAL:
 *                                                    write-back (the reader
 *                                                    invalidates)
 * Blocks are 2 MiB (AArch64, level 2) or 1 MiB (A32 sections).  A region in
 * the same block as the peer's own image keeps the image's write-back type.
 */
#include "hw.h"
#include "peer_log.h"
#include "peer.h"

#define RAM_START	((uintptr_t)BOARD_RAM_START)
#define RAM_END		((uintptr_t)BOARD_RAM_END)	/* the window the peer maps as RAM */

#if defined(__aarch64__)
#define BLOCK_SHIFT	21
#define DESC_BLOCK	0x1ull
#define DESC_TABLE	0x3ull
#define DESC_AF		(1ull << 10)
#define DESC_SH_INNER	(3ull << 8)
#define DESC_XN		(3ull << 53)	/* UXN, PXN */
typedef uint64_t desc_t;

static uint64_t l1[4] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));	/* 1 GiB from RAM_START */

static desc_t block(uintptr_t pa, int attr)
{
	desc_t d = pa | DESC_BLOCK | DESC_AF | (desc_t)attr << 2;

	return attr == MMU_ATTR_DEVICE ? d | DESC_XN : d | DESC_SH_INNER;
}

static desc_t *ram_block(uintptr_t pa)
{
	return &l2[(pa - RAM_START) >> BLOCK_SHIFT];
}

static void build_map(void)
{
	uintptr_t pa;

	for (pa = RAM_START; pa < RAM_END; pa += 1ul << BLOCK_SHIFT)
		*ram_block(pa) = block(pa, MMU_ATTR_WB);
	l1[0] = block(0, MMU_ATTR_DEVICE);
	l1[1] = (desc_t)(uintptr_t)l2 | DESC_TABLE;
	l1[2] = block(0x80000000ul, MMU_ATTR_DEVICE);
	l1[3] = block(0xc0000000ul, MMU_ATTR_DEVICE);
}

#else /* A32 short descriptors */
#define BLOCK_SHIFT	20
#define SEC		(2u | 3u << 10)		/* section, AP = full access */
#define SEC_B		(1u << 2)
#define SEC_C		(1u << 3)
#define SEC_XN		(1u << 4)
#define SEC_TEX1	(1u << 12)
#define SEC_S		(1u << 16)
typedef uint32_t desc_t;

static uint32_t l1[4096] __attribute__((aligned(16384)));

static desc_t block(uintptr_t pa, int attr)
{
	switch (attr) {
	case MMU_ATTR_WB:
		return pa | SEC | SEC_TEX1 | SEC_C | SEC_B | SEC_S;
	case MMU_ATTR_NC:
		return pa | SEC | SEC_TEX1 | SEC_S;
	default:
		return pa | SEC | SEC_B | SEC_XN;	/* shareable Device */
	}
}

static desc_t *ram_block(uintptr_t pa)
{
	return &l1[pa >> BLOCK_SHIFT];
}

static void build_map(void)
{
	uint32_t i;

	for (i = 0; i < 4096; i++) {
		uintptr_t pa = (uintptr_t)i << BLOCK_SHIFT;
		int ram = pa >= RAM_START && pa < RAM_END;

		l1[i] = block(pa, ram ? MMU_ATTR_WB : MMU_ATTR_DEVICE);
	}
}
#endif

static void map_shared(uintptr_t pa, int attr)
{
	uintptr_t blk = pa >> BLOCK_SHIFT << BLOCK_SHIFT;

	if (pa < RAM_START || pa >= RAM_END)
		return;		/* outside RAM: already Device */
	if (blk == (PEER_ENTRY_ADDR >> BLOCK_SHIFT << BLOCK_SHIFT))
		return;		/* the peer's own image */
	*ram_block(pa) = block(blk, attr);
}

void mmu_setup(const uint32_t *slots, uint32_t n, uint32_t mem_mode)
{
	int attr = mem_mode == PEER_MEM_NC ? MMU_ATTR_NC : MMU_ATTR_WB;
	uint32_t i;

	build_map();
	for (i = 0; i < n; i++)
		map_shared(slots[i], attr);
	map_shared(PEER_MBOX_CELLS, attr);
	dsb_sy();	/* the tables in memory before the walker reads them */
	mmu_enable((uintptr_t)l1);
}
