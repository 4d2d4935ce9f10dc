// SPDX-License-Identifier: GPL-2.0-only
/* Instantiates the tracepoints declared in vnlm_trace.h. */
#define CREATE_TRACE_POINTS
#include "vnlm_trace.h"
