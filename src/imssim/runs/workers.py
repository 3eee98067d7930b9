"""A sweep's workers forked from a process that warms up while the command checks.

Before a sweep's first job the ``imssim`` command spends two seconds or so on one core:
it checks every value swept (:func:`imssim.cli.main.preflight`), Hydra composes its
configs, and the model's libraries are imported and loaded (Mesa, numba and the
model's compiled kernels, the world). Workers forked from the command after all that
(:mod:`imssim.runs.launcher`) start only then, while the second core has waited.

:func:`start`, called as the command starts, forks a process of its own (a "forker")
that imports and loads what the jobs need (the task's ``warm``) on the second core
while the command checks. When the launcher has the jobs (:func:`take`), the forker
forks the workers from itself, warm, and passes them the jobs the launcher sends it;
the workers' results come back the same way. The workers were forked before Hydra
composed anything, so each job's config is composed by the launcher and sent whole, as
plain containers (resolved), with the job's overrides, sweep folder and number, to the
task's ``sweep_job``; what it returns, or the error it raises, comes back.

The forker and its workers ignore Ctrl-C: the command stops them (:func:`stop`, which
it calls when it ends, however it ends). Whatever the warming raises is left for the
jobs to meet, and report.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Task = tuple[Callable[..., Any], Any, list[str], Any, int]  # sweep_job, config, overrides, ...
Result = tuple[int, bool, Any]  # the job's number, whether it completed, its value or error
_END = "end"  # after a batch's tasks


class Forker:
    """The forker process and the two pipes to it (tasks in, results out)."""

    def __init__(self, warm: Callable[[], None] | None) -> None:
        context = multiprocessing.get_context("fork")
        self._tasks_r, self._tasks = context.Pipe(duplex=False)
        self._results, self._results_w = context.Pipe(duplex=False)
        # forked with Ctrl-C ignored, so that none reaches it before it is set up
        before = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            ends = (self._tasks_r, self._results_w, warm, (self._tasks, self._results))
            self.process = context.Process(target=_forker, args=ends, name="imssim-forker")
            self.process.start()
        finally:
            signal.signal(signal.SIGINT, before)
        self._tasks_r.close()
        self._results_w.close()

    def run(self, n: int, tasks: Iterable[Task]) -> Iterator[Result]:
        """Each task's result, in the order of the tasks, from `n` workers forked from
        the forker; the tasks are made (iterated) in a thread of this process as the
        workers take them."""
        self._tasks.send(n)
        sent = [0]
        sender = threading.Thread(target=self._send, args=(tasks, sent), daemon=True)
        sender.start()
        received = 0
        while sender.is_alive() or received < sent[0]:
            if not self._results.poll(0.1):
                if not self.process.is_alive():
                    raise RuntimeError("the sweep's worker processes ended unexpectedly")
                continue
            result = self._results.recv()
            received += 1
            yield result
        sender.join()

    def _send(self, tasks: Iterable[Task], sent: list[int]) -> None:
        try:
            for task in tasks:
                self._tasks.send(task)
                sent[0] += 1
        except OSError:  # the forker stopped: the command is ending
            pass
        finally:
            with contextlib.suppress(OSError):
                self._tasks.send(_END)

    def stop(self) -> None:
        """End the forker and its workers (at once: a job running is stopped)."""
        with contextlib.suppress(OSError):
            self._tasks.close()  # no more tasks or batches: the forker ends its workers, ends
        self.process.join(5)
        if self.process.is_alive():  # (busy sending a result no one reads, say)
            self.process.terminate()  # its workers with it (see _forker)
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._results.close()


_STARTED: Forker | None = None


def start(warm: Callable[[], None] | None) -> Forker:
    """Start the forker for the sweep this command will launch (see the module's
    description); the launcher takes it (:func:`take`)."""
    global _STARTED
    stop()
    _STARTED = Forker(warm)
    return _STARTED


def take() -> Forker | None:
    """The forker started, if any."""
    return _STARTED


def stop() -> None:
    """Stop the forker started, if any, and its workers."""
    global _STARTED
    forker, _STARTED = _STARTED, None
    if forker is not None:
        forker.stop()


class _Stopped(BaseException):
    """The forker was asked to end (SIGTERM), whatever it was doing."""


def _stopped(*_: Any) -> None:
    raise _Stopped


def _forker(
    tasks: Any, results: Any, warm: Callable[[], None] | None, theirs: tuple[Any, ...]
) -> None:
    """The forker: warm up, then for each batch fork the workers asked for and run the
    tasks sent on them, sending back each result, until no batch comes (the command
    closes its end of the tasks' pipe). `theirs`: the command's ends of the pipes,
    closed here, so that the command's closing is seen."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command handles Ctrl-C
    signal.signal(signal.SIGTERM, _stopped)
    for end in theirs:
        end.close()
    pool: Any = None
    size = 0
    try:
        if warm is not None:
            with contextlib.suppress(Exception):  # a job meets the same error, and reports it
                warm()
        gc.freeze()  # what the jobs share, set aside from the collector's full collections
        while True:
            n = tasks.recv()  # a batch: the workers it wants, then its tasks, then _END
            if pool is None or n != size:
                if pool is not None:
                    pool.terminate()
                    pool.join()
                context = multiprocessing.get_context("fork")
                pool, size = context.Pool(n, initializer=_worker_start), n
            for result in pool.imap(_run, iter(tasks.recv, _END)):
                results.send(result)
    except (EOFError, OSError, _Stopped):  # the command closed the pipe, or stopped it
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # ending already
        if pool is not None:
            pool.terminate()
            pool.join()


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(task: Task) -> Result:
    sweep_job, config, overrides, sweep_dir, num = task
    try:
        return num, True, sweep_job(config, overrides, sweep_dir, num)
    except Exception as exc:
        return num, False, sendable(exc)


def sendable(exc: Exception) -> Exception:
    """The exception itself when it survives the trip between processes, else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
