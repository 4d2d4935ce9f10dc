/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the RTOS-side test peer, AArch32 (A32; start.S: AArch64).  PSCI
 * CPU_ON from a 32-bit Linux enters here in SVC mode, A32 state, with the
 * MMU and caches off, r0 = the context id (the number of instance slots).
 *
 * The C code is built with -mgeneral-regs-only: it uses no VFP/Advanced
 * SIMD register, so the FPU stays off (CPACR and FPEXC as reset left them).
 */
	.syntax	unified
	.arm

#define MODE_IRQ	0x12
#define MODE_SVC	0x13
#define SCTLR_V		(1 << 13)	/* high vectors: off, so VBAR counts */
#define SCTLR_TE	(1 << 30)	/* exceptions taken in Thumb: off */

	.section .text.entry, "ax"
	.global	_start
_start:
	cpsid	aif, #MODE_IRQ
	ldr	sp, =__irq_stack_top
	cps	#MODE_SVC
	mov	r4, r0
	ldr	sp, =__stack_top
	mrc	p15, 0, r1, c1, c0, 0		@ SCTLR
	bic	r1, r1, #SCTLR_V
	bic	r1, r1, #SCTLR_TE
	mcr	p15, 0, r1, c1, c0, 0
	ldr	r1, =vectors
	mcr	p15, 0, r1, c12, c0, 0		@ VBAR
	isb
	ldr	r1, =__bss_start
	ldr	r2, =__bss_end
	mov	r3, #0
1:	cmp	r1, r2
	strlo	r3, [r1], #4
	blo	1b
	mov	r0, r4				@ peer_main(uint64_t): r0 low, r1 high
	mov	r1, #0
	bl	peer_main
2:	wfe
	b	2b

/*
 * Every other exception is fatal for the peer: report it through
 * peer_fault(syndrome, pc, addr) and park.  Each handler gathers, in
 * r4 the FSR (or 0), r5 the vector's offset, r6 the instruction that took
 * the exception (from LR minus the vector's A32 offset) and r7 the fault
 * address (DFAR/IFAR, else the instruction), then returns to SVC mode and
 * the top of its stack: the mode the exception was taken to has no stack
 * of its own, and the code that faulted is never resumed.
 */
	.macro	fault_entry, vec, lr_adj
	mov	r4, #0
	mov	r5, #\vec
	sub	r6, lr, #\lr_adj
	mov	r7, r6
	b	report
	.endm

vec_reset:	fault_entry 0x00, 0
vec_undef:	fault_entry 0x04, 4
vec_svc:	fault_entry 0x08, 4
vec_hyp:	fault_entry 0x14, 0
vec_fiq:	fault_entry 0x1c, 4

/*
 * The doorbell and the heartbeat: peer_irq() acknowledges, handles and ends
 * each one, in IRQ mode on its own stack; then back to the interrupted code.
 */
vec_irq:
	sub	lr, lr, #4
	push	{r0-r5, r12, lr}		@ 8 words: the stack stays 8-byte aligned
	bl	peer_irq
	ldm	sp!, {r0-r5, r12, pc}^

vec_pabt:
	mrc	p15, 0, r4, c5, c0, 1		@ IFSR
	mov	r5, #0x0c
	sub	r6, lr, #4
	mrc	p15, 0, r7, c6, c0, 2		@ IFAR
	b	report

vec_dabt:
	mrc	p15, 0, r4, c5, c0, 0		@ DFSR
	mov	r5, #0x10
	sub	r6, lr, #8
	mrc	p15, 0, r7, c6, c0, 0		@ DFAR
	b	report

report:
	cps	#MODE_SVC
	ldr	sp, =__stack_top
	mov	r0, #0
	sub	sp, sp, #8			@ the third argument (uint64_t addr)
	str	r7, [sp]
	str	r0, [sp, #4]
	mov	r0, r4				@ syndrome: r0 low, r1 high
	mov	r1, r5
	mov	r2, r6				@ pc: r2 low, r3 high
	mov	r3, #0
	bl	peer_fault
3:	wfe
	b	3b

	.ltorg

/* VBAR needs 32-byte alignment; one branch per vector. */
	.balign	32
vectors:
	b	vec_reset
	b	vec_undef
	b	vec_svc
	b	vec_pabt
	b	vec_dabt
	b	vec_hyp
	b	vec_irq
	b	vec_fiq

	.section .note.GNU-stack, "", %progbits
