"""Which processes hold which TCP sockets of a port, read from /proc (Linux)."""

import os
from pathlib import Path
from typing import Dict, Iterable, Set

# States as /proc/net/tcp spells them (include/net/tcp_states.h).
ESTABLISHED = "01"
LISTEN = "0A"
PROC = Path("/proc")


def socket_inodes(port: int, state: str) -> Set[str]:
    """The inodes of this host's TCP sockets on local `port` in `state`."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        path = PROC / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def _descriptor_target(descriptor: Path) -> str:
    try:
        return os.readlink(descriptor)
    except OSError:  # closed while we read, or not ours to read
        return ""


def owners(inodes: Iterable[str]) -> Dict[str, Set[int]]:
    """Each socket inode, to the processes that hold a descriptor of it.

    Descriptors come and go while the scan runs; each is read on its own, so
    one that closes meanwhile skips itself, not its whole process.
    """
    wanted = {f"socket:[{inode}]": inode for inode in inodes}
    held: Dict[str, Set[int]] = {inode: set() for inode in wanted.values()}
    for process in PROC.iterdir():
        if not process.name.isdigit():
            continue
        try:
            descriptors = list((process / "fd").iterdir())
        except OSError:  # the process ended
            continue
        for descriptor in descriptors:
            inode = wanted.get(_descriptor_target(descriptor))
            if inode is not None:
                held[inode].add(int(process.name))
    return held


def children_of(pid: int) -> Set[int]:
    """The processes whose parent is `pid`."""
    found = set()
    for process in PROC.iterdir():
        if not process.name.isdigit():
            continue
        try:
            stat = (process / "stat").read_text()
        except OSError:
            continue
        # The name in parentheses may hold spaces; the parent follows the state.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(process.name))
    return found
