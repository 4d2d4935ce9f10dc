# SPDX-License-Identifier: GPL-2.0-only
"""What the RTOS-side peer recorded, read from the file-backed guest RAM.
The layout is test/rtos-peer/peer_log.h; keep the two in step."""

import mmap
import struct
from collections import namedtuple

PEER_LOG_ADDR = 0x5E100000  # virt's; a board's: peer_log_addr()
PEER_LOG_MAGIC = 0x52454550
PEER_LOG_VERSION = 2
PEER_MAX_SLOTS = 512
PEER_RECORDS_OFFSET = 0x4000
PEER_CONFIG_OFFSET = 0x3400
PEER_CONFIG_MAGIC = 0x47464E43
PEER_SHM_BASE = 0x5F000000
PEER_SHM_STRIDE = 0x1000
MEM_MODES = {"nc": 0, "cached-inval": 1}  # PEER_MEM_*
RUN_MODES = {"doorbell": 0, "stress": 1}  # PEER_MODE_*
HEARTBEAT_HZ = 20
PEER_STATE_READY = 1
PEER_STATE_FAULT = 0xDEAD
SLOT_NONE = 0xFF
SENDER_UNKNOWN = 0xFF
PEER_MBOX_CELLS = 0x5E7FF000  # + 4 * SGI: the test mailbox controller's cells

HEADER = struct.Struct("<12I2Q16I")
CONFIG = struct.Struct("<8I")
VIEW = struct.Struct("<IHHIBBHII")
RECORD = struct.Struct("<IHBBIHHIBBHQQII")
assert RECORD.size == 48 and VIEW.size == 24 and HEADER.size == 128

Header = namedtuple("Header", "magic version gic_version state mpidr nslots cntfrq "
                    "doorbells spurious torn_retries head ring_size start_cntvct fault_esr "
                    "failed_reads heartbeats mem_mode run_mode stress_scans stress_reads "
                    "stress_retries stress_failed stress_bad bad_slot bad_seq bad_prev_seq "
                    "bad_status bad_speed uninit_reads irqs")
View = namedtuple("View", "seq status mtu speed duplex valid pad updates last_doorbell")
Record = namedtuple("Record", "doorbell intid sender slot seq status mtu speed duplex "
                    "retries pad cntvct event_stamp msg reserved")


def peer_log_addr(board_info):
    """The log sits 1 MiB above the peer's entry on every board (link.ld)."""
    return board_info["peer_entry"] + 0x100000


class PeerLog:
    def __init__(self, ram_file, ram_base, log_addr=PEER_LOG_ADDR):
        self._f = open(ram_file, "rb")
        self._m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ)
        self._base = log_addr - ram_base

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

    def alive(self, timeout=5.0):
        """The peer is READY, not FAULT, and still taking interrupts: its
        heartbeat (a timer interrupt through the same GIC CPU interface and
        IRQ vector as the doorbells) advances.  Returns a reason when not."""
        import time
        h = self.header()
        if h.magic != PEER_LOG_MAGIC or h.state != PEER_STATE_READY:
            return f"peer not ready: state {h.state:#x}, fault {h.fault_esr:#x}"
        deadline = time.monotonic() + timeout
        while self.header().heartbeats == h.heartbeats:
            if time.monotonic() > deadline:
                return f"peer heartbeat stuck at {h.heartbeats} for {timeout} s"
            time.sleep(0.02)
        return None

    def ready(self):
        h = self.header()
        return h.magic == PEER_LOG_MAGIC and h.state == PEER_STATE_READY


def write_config(ram_file, ram_base, slots, mem="nc", run="doorbell", check_speed=False,
                 log_addr=PEER_LOG_ADDR):
    """Hand the peer its slot table and modes (struct peer_config) before it
    starts: @slots lists each view's region address (base + shm-offset)."""
    assert len(slots) <= PEER_MAX_SLOTS
    with open(ram_file, "r+b") as f:
        m = mmap.mmap(f.fileno(), 0)
        off = log_addr - ram_base + PEER_CONFIG_OFFSET
        CONFIG.pack_into(m, off, PEER_CONFIG_MAGIC, len(slots), MEM_MODES[mem], RUN_MODES[run],
                         int(check_speed), 0, 0, 0)
        struct.pack_into(f"<{len(slots)}I", m, off + CONFIG.size, *slots)
        m.flush()
        m.close()


def default_slots(nslots, shm_base=PEER_SHM_BASE):
    return [shm_base + i * PEER_SHM_STRIDE for i in range(nslots)]
