#!/usr/bin/python3
"""Celery 5 (kombu on py-amqp) against the broker at 127.0.0.1:PORT with guest/guest, as an application runs it.

A worker in this process (celery.contrib.testing) takes tasks from a queue of this run's own; results come back
over the rpc:// backend (a reply queue per client). Checked: a task's result, a group and a chain, a task that
retries itself until it succeeds, a failing task's exception at the caller, late acks with a prefetch, and the
worker's broadcast (pidbox) and event exchanges. Prints "all checks passed" and exits 0, or fails on the first
wrong answer. Usage: celery_check.py PORT
"""
import sys
import uuid

from celery import Celery, chain, group
from celery.contrib.testing.worker import start_worker

TIMEOUT = 10


def main(port):
    run = uuid.uuid4().hex[:12]
    app = Celery("crosscheck", broker=f"amqp://guest:guest@127.0.0.1:{port}//", backend="rpc://")
    app.conf.update(
        task_default_queue=f"celery-check-{run}",
        task_acks_late=True,
        worker_prefetch_multiplier=4,
        worker_send_task_events=True,
        task_send_sent_event=True,
        broker_connection_retry_on_startup=False,
        broker_connection_max_retries=0,
        # No AMQP heartbeats: with them the test worker takes seconds to stop.
        broker_heartbeat=0,
    )
    attempts = {}

    @app.task
    def add(x, y):
        return x + y

    @app.task(bind=True, max_retries=5)
    def flaky(self, key):
        attempts[key] = attempts.get(key, 0) + 1
        if attempts[key] < 3:
            raise self.retry(countdown=0)
        return attempts[key]

    @app.task
    def fail(message):
        raise ValueError(message)

    # The worker logs only what is critical: the failing task's traceback is expected.
    with start_worker(app, pool="solo", loglevel="CRITICAL", perform_ping_check=False, shutdown_timeout=TIMEOUT):
        check("a task's result", add.delay(2, 3).get(timeout=TIMEOUT), 5)
        check("a group", group(add.s(i, i) for i in range(10))().get(timeout=TIMEOUT), [2 * i for i in range(10)])
        check("a chain", chain(add.s(1, 2), add.s(3), add.s(4))().get(timeout=TIMEOUT), 10)
        check("a task that retries twice", flaky.delay(run).get(timeout=TIMEOUT), 3)
        try:
            fail.delay("card declined").get(timeout=TIMEOUT)
            raise AssertionError("a failing task: no exception at the caller")
        except ValueError as error:
            check("a failing task's exception", str(error), "card declined")
        results = [add.delay(i, 1) for i in range(100)]
        check("100 tasks with late acks and a prefetch", [r.get(timeout=TIMEOUT) for r in results], [i + 1 for i in range(100)])
        replies = app.control.ping(timeout=TIMEOUT, limit=1)
        check("the worker answers a broadcast ping", len(replies), 1)

    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(app.conf.task_default_queue)
    print("all checks passed")


def check(what, actual, expected):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")
    print(f"ok: {what}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
