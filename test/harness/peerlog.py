# SPDX-License-Identifier: GPL-2.0-only
"""What the RTOS-side peer recorded, read from the file-backed guest RAM.
The layout is test/rtos-peer/peer_log.h; keep the two in step."""

import mmap
import struct
from collections import namedtuple

PEER_LOG_ADDR = 0x5E100000
PEER_LOG_MAGIC = 0x52454550
PEER_LOG_VERSION = 1
PEER_MAX_SLOTS = 512
PEER_RECORDS_OFFSET = 0x4000
PEER_STATE_READY = 1
PEER_STATE_FAULT = 0xDEAD
SLOT_NONE = 0xFF
SENDER_UNKNOWN = 0xFF
PEER_MBOX_CELLS = 0x5E7FF000  # + 4 * SGI: the test mailbox controller's cells

HEADER = struct.Struct("<12I2Q")
VIEW = struct.Struct("<IHHIBBHII")
RECORD = struct.Struct("<IHBBIHHIBBHQQII")
assert RECORD.size == 48 and VIEW.size == 24

Header = namedtuple("Header", "magic version gic_version state mpidr nslots cntfrq "
                    "doorbells spurious torn_retries head ring_size start_cntvct fault_esr")
View = namedtuple("View", "seq status mtu speed duplex valid pad updates last_doorbell")
Record = namedtuple("Record", "doorbell intid sender slot seq status mtu speed duplex "
                    "retries pad cntvct event_stamp msg reserved")


class PeerLog:
    def __init__(self, ram_file, ram_base):
        self._f = open(ram_file, "rb")
        self._m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ)
        self._base = PEER_LOG_ADDR - ram_base

    def close(self):
        self._m.close()
        self._f.close()

    def header(self):
        return Header(*HEADER.unpack_from(self._m, self._base))

    def view(self, slot):
        off = self._base + HEADER.size + slot * VIEW.size
        return View(*VIEW.unpack_from(self._m, off))

    def records(self, start=0):
        """Records with index >= start (indices count from the peer's boot)."""
        h = self.header()
        first = max(start, h.head - h.ring_size)
        out = []
        for i in range(first, h.head):
            off = self._base + PEER_RECORDS_OFFSET + (i % h.ring_size) * RECORD.size
            out.append(Record(*RECORD.unpack_from(self._m, off)))
        return out

    def ready(self):
        h = self.header()
        return h.magic == PEER_LOG_MAGIC and h.state == PEER_STATE_READY
