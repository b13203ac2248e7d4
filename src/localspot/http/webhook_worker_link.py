"""The sender's end of its delivery process (``webhook_worker.py``): hands it a request,
awaits the answer.

The process is started on the first request and again on the first request after it
ended; requests go to it over a socket pair and each awaits its answer by job number. A
request whose answer never comes (the process died, or hangs past the request's own
timeout by ``GRACE_SECONDS``) is a failed attempt, tried again on the retry schedule like
any other: delivery is at-least-once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import count

import orjson

from localspot.crm import webhook_delivery as rules
from localspot.http.webhook_posting import InlinePoster, Posted, Poster
from localspot.http.webhook_worker import ANSWER_HEAD, REQUEST_HEAD

GRACE_SECONDS = 5.0
"""How long past the request's timeout an answer is awaited from the process."""
STOP_SECONDS = 5.0
"""How long the process is given to end once its socket is closed, before it is killed."""
log = logging.getLogger("localspot.webhooks")


NO_PROCESS = "the delivery process could not start"
LOST = Posted({}, None, "Connection failed: ReadError: the delivery process stopped")


@dataclass
class _Running:
    process: asyncio.subprocess.Process
    writer: asyncio.StreamWriter
    reader: asyncio.Task[None]
    waiting: dict[int, asyncio.Future[Posted]]
    outgoing: list[bytes] = field(default_factory=list)
    """Frames to write when the event loop's current turn ends (``_flush``)."""

    def send(self, *parts: bytes) -> None:
        """Queue a frame: the requests a turn of the event loop starts (a round's, or those
        the answers read at once free a slot for) go to the process in one write, which
        wakes it once; a write each cost the server more than building the bodies."""
        if not self.outgoing:
            asyncio.get_running_loop().call_soon(self._flush)
        self.outgoing += parts

    def _flush(self) -> None:
        frames, self.outgoing = self.outgoing, []
        if not self.writer.is_closing():
            self.writer.writelines(frames)


class DeliveryWorker:
    """One delivery process for one sender, used on one event loop."""

    def __init__(self) -> None:
        self._running: _Running | None = None
        self._starting = asyncio.Lock()
        self._jobs = count(1)

    @property
    def pid(self) -> int | None:
        """The delivery process's id while one runs."""
        running = self._running
        return None if running is None or running.reader.done() else running.process.pid

    async def post(self, url: str, secret: str, carried: str) -> Posted:
        try:
            running = await self._started()
        except OSError as failure:  # no process could be started: a failed attempt
            log.error("the webhook delivery process could not start: %s", failure)
            return Posted({}, None, f"Connection failed: ConnectError: {NO_PROCESS}")
        job = next(self._jobs)
        answer: asyncio.Future[Posted] = asyncio.get_running_loop().create_future()
        running.waiting[job] = answer
        meta = orjson.dumps([job, url, secret])
        rows = carried.encode()
        running.send(REQUEST_HEAD.pack(len(meta), len(rows)), meta, rows)
        try:
            return await asyncio.wait_for(answer, rules.TIMEOUT_SECONDS + GRACE_SECONDS)
        except TimeoutError:
            return LOST
        finally:
            running.waiting.pop(job, None)

    async def _started(self) -> _Running:
        async with self._starting:
            if self._running is not None and self._running.reader.done():
                await self.aclose()  # it ended: its socket closed, the process reaped
            if self._running is None:
                self._running = await self._start()
            return self._running

    async def _start(self) -> _Running:
        ours, theirs = socket.socketpair()
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "localspot.http.webhook_worker",
                str(theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=asyncio.subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        reader, writer = await asyncio.open_connection(sock=ours)
        waiting: dict[int, asyncio.Future[Posted]] = {}
        task = asyncio.create_task(self._read(reader, waiting))
        return _Running(process, writer, task, waiting)

    @staticmethod
    async def _read(
        reader: asyncio.StreamReader, waiting: dict[int, asyncio.Future[Posted]]
    ) -> None:
        """Hand each answer to its request until the process's end closes; then every
        request still waiting is lost."""
        try:
            while True:
                (length,) = ANSWER_HEAD.unpack(await reader.readexactly(ANSWER_HEAD.size))
                job, headers, status, error = orjson.loads(await reader.readexactly(length))
                answer = waiting.get(job)
                if answer is not None and not answer.done():
                    answer.set_result(Posted(headers, status, error))
        except (asyncio.IncompleteReadError, ConnectionError):
            log.warning("the webhook delivery process stopped")
        finally:
            for answer in waiting.values():
                if not answer.done():
                    answer.set_result(LOST)

    async def aclose(self) -> None:
        running, self._running = self._running, None
        if running is None:
            return
        running.reader.cancel()  # first: the process ending now is no news to log
        with suppress(asyncio.CancelledError):
            await running.reader
        running.writer.close()
        try:
            await asyncio.wait_for(running.process.wait(), STOP_SECONDS)
        except TimeoutError:
            running.process.kill()
            await running.process.wait()


def poster_for(server_processes: int) -> Poster:
    """A delivery process when the server's processes leave a core free, else inline
    (``webhook_posting.py``)."""
    if server_processes < (os.cpu_count() or 1):
        return DeliveryWorker()
    return InlinePoster()
