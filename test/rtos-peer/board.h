/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The board the peer is built for (Makefile BOARD=): its addresses only,
 * as plain numbers the linker script can use too (link.ld is run through
 * the preprocessor with this header).
 */
#ifndef PEER_BOARD_H
#define PEER_BOARD_H

#if defined(PEER_BOARD_IMX6)
#include "board_imx6.h"
#else
#include "board_virt.h"
#endif

#endif /* PEER_BOARD_H */
