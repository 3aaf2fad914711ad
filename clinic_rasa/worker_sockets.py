"""Gives each Sanic worker a listening socket of its own.

With several workers, Sanic 21.12 binds one listening socket in the main
process and every forked worker accepts from it. When visitors connect
together, the worker that wakes first takes most of them, and since
connections are kept alive it serves them for the whole visit: sampled under
load, one worker held 14-16 of 20 connections. Here the main process binds
the address with SO_REUSEPORT and never listens on it, so it takes no
connections; each forked worker binds its own SO_REUSEPORT socket over the
inherited descriptor, Sanic listens on it once the worker has loaded the
model, and the kernel spreads new connections over the workers by address.
A single worker never calls `bind_socket`, so it is unchanged.
"""

import os
import socket
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Optional

import sanic.server.runners

_fork_hook_registered = False


@dataclass(frozen=True)
class _SharedAddress:
    """The address the main process holds, and the descriptor workers inherit."""

    family: socket.AddressFamily
    host: str
    port: int
    descriptor: int


_shared: Optional[_SharedAddress] = None


def _reusable_socket(
    family: socket.AddressFamily, host: str, port: int
) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _family_of(host: str) -> socket.AddressFamily:
    try:
        return socket.AF_INET6 if ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        return socket.AF_INET


def bind_without_listening(
    host: str, port: int, *, backlog: int = 100
) -> socket.socket:
    """Sanic's `bind_socket` for the main process: holds the port, takes nothing.

    `backlog` is Sanic's; each worker's `create_server` listens with it.
    """
    global _shared
    family = _family_of(host)
    sock = _reusable_socket(family, host, port)
    _shared = _SharedAddress(family, host, sock.getsockname()[1], sock.fileno())
    return sock


def _own_socket_in_worker() -> None:
    """In a forked child: a socket of its own where the shared one was.

    Only the main process's direct children rebind; their own children keep
    what they inherit.
    """
    global _shared
    if _shared is None:
        return
    own = _reusable_socket(_shared.family, _shared.host, _shared.port)
    os.dup2(own.fileno(), _shared.descriptor)
    own.close()
    _shared = None


def install() -> None:
    """Makes every later multi-worker Sanic start give each worker its own socket."""
    global _fork_hook_registered
    sanic.server.runners.bind_socket = bind_without_listening  # type: ignore[attr-defined]
    if not _fork_hook_registered:
        os.register_at_fork(after_in_child=_own_socket_in_worker)
        _fork_hook_registered = True
