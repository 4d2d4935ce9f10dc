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

/*
 * The doorbell and the heartbeat arrive as IRQs, taken at EL1 on SP_EL1
 * (or SP_EL0 if PSCI entered with SPSel 0): peer_irq() acknowledges,
 * handles and ends each one.  Every other exception is fatal for the peer:
 * report it and park.
 */
	.macro	vec_fault
	.balign	0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	peer_fault
	.endm

	.macro	vec_irq
	.balign	0x80
	b	irq_entry
	.endm

	.balign	0x800
vectors:
	vec_fault		/* current EL, SP0: sync */
	vec_irq			/* IRQ */
	vec_fault		/* FIQ */
	vec_fault		/* SError */
	vec_fault		/* current EL, SPx: sync */
	vec_irq			/* IRQ */
	vec_fault		/* FIQ */
	vec_fault		/* SError */
	.rept	8		/* lower EL: never */
	vec_fault
	.endr

/* The caller-saved registers and the return state, then peer_irq(). */
irq_entry:
	sub	sp, sp, #192
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	bl	peer_irq
	ldp	x30, x0, [sp, #160]
	ldr	x1, [sp, #176]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	add	sp, sp, #192
	eret
