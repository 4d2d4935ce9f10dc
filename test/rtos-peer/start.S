/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the RTOS-side test peer, AArch64 (start_arm.S: A32).  PSCI CPU_ON
 * enters here at EL1 with the MMU and caches off, x0 = the context id (the
 * number of instance slots).
 */
	.section .text.entry, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	mov	x19, x0
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el1, x1
	isb
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	peer_main
3:	wfe
	b	3b

/* Every exception is fatal for the peer: report it and park. */
	.macro	vec_entry
	.balign	0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	peer_fault
	.endm

	.balign	0x800
vectors:
	.rept	16
	vec_entry
	.endr
