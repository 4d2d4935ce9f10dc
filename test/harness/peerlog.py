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
RUN_MODES = {"doorbell": 0, "stress": 1, "lwip": 2}  # PEER_MODE_*
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


# PEER_MODE_LWIP: lwIP's record beside the doorbell log (struct peer_lwip_log).
PEER_LWIP_OFFSET = 0x400000  # from the doorbell log
PEER_LWIP_MAGIC = 0x5049574C
PEER_LWIP_EVENTS_OFFSET = 0x1000
PEER_LWIP_EVENTS = 16384
PEER_LWIP_FRAMES_OFFSET = 0x70000
PEER_LWIP_FRAMES = 8192
# lwIP 2.1's NETIF_FLAG_*
NETIF_FLAG_UP, NETIF_FLAG_LINK_UP, NETIF_FLAG_IGMP = 0x01, 0x04, 0x20
# what vnlm_frontend_poll() returned (VNLM_FE_*, frontend.h)
FE_NEW, FE_LINK_UP, FE_LINK_DOWN, FE_SETTINGS, FE_MTU, FE_ANNOUNCE = 1, 2, 4, 8, 0x10, 0x20
LWIP_HEADER = struct.Struct("<13I6BH5I12I")
LWIP_EVENT = struct.Struct("<IIHHHHHHI")
LWIP_FRAME = struct.Struct("<IHHII112s")
assert LWIP_HEADER.size == 128 and LWIP_EVENT.size == 24 and LWIP_FRAME.size == 128
LwipHeader = namedtuple("LwipHeader", "magic version netif_flags mtu polls events frames "
                        "failed_reads torn_retries uninit announces announced ip "
                        "m0 m1 m2 m3 m4 m5 pad group speed duplex seq asserts "
                        + " ".join(f"r{i}" for i in range(12)))
LwipEvent = namedtuple("LwipEvent", "poll seq status mtu what netif_flags netif_mtu pad frames")
LwipFrame = namedtuple("LwipFrame", "poll len netif_flags when_ms pad data")


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


class LwipLog:
    """What the peer's lwIP did (PEER_MODE_LWIP): its netif's state now,
    one event per poll that read a new generation, every frame it sent."""

    def __init__(self, ram_file, ram_base, log_addr=PEER_LOG_ADDR):
        self._f = open(ram_file, "rb")
        self._m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ)
        self._base = log_addr + PEER_LWIP_OFFSET - ram_base

    def close(self):
        self._m.close()
        self._f.close()

    def header(self):
        return LwipHeader(*LWIP_HEADER.unpack_from(self._m, self._base))

    def ready(self):
        return self.header().magic == PEER_LWIP_MAGIC

    def _ring(self, start, head, size, offset, st, tup):
        first = max(start, head - size)
        return [tup(*st.unpack_from(self._m, self._base + offset + (i % size) * st.size))
                for i in range(first, head)]

    def events(self, start=0):
        return self._ring(start, self.header().events, PEER_LWIP_EVENTS,
                          PEER_LWIP_EVENTS_OFFSET, LWIP_EVENT, LwipEvent)

    def frames(self, start=0):
        fr = self._ring(start, self.header().frames, PEER_LWIP_FRAMES,
                        PEER_LWIP_FRAMES_OFFSET, LWIP_FRAME, LwipFrame)
        return [f._replace(data=f.data[:f.len]) for f in fr]


def _ip(b):
    return ".".join(str(x) for x in b)


def _mac(b):
    return ":".join(f"{x:02x}" for x in b)


def decode_frame(data):
    """What an Ethernet frame lwIP sent is: a dict with kind "arp" (op,
    sender/target MAC and IP), "igmp" (type, group), or "other"."""
    if len(data) < 14:
        return dict(kind="runt", len=len(data))
    dst, src, etype = data[0:6], data[6:12], int.from_bytes(data[12:14], "big")
    out = dict(dst=_mac(dst), src=_mac(src), ethertype=etype)
    p = data[14:]
    if etype == 0x0806 and len(p) >= 28:
        out.update(kind="arp", op=int.from_bytes(p[6:8], "big"), sha=_mac(p[8:14]),
                   spa=_ip(p[14:18]), tha=_mac(p[18:24]), tpa=_ip(p[24:28]))
    elif etype == 0x0800 and len(p) >= 20 and p[9] == 2:
        ihl = (p[0] & 0xF) * 4
        g = p[ihl:]
        out.update(kind="igmp", src_ip=_ip(p[12:16]), dst_ip=_ip(p[16:20]),
                   type=g[0] if g else None, group=_ip(g[4:8]) if len(g) >= 8 else None)
    else:
        out.update(kind="other")
    return out


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
