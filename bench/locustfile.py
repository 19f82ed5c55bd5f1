"""bench_load's visitors as Locust users (``--client locust``, run by ``bench.locustrun``; never import it in
the bench or the tests: Locust patches the standard library for gevent). Each user is one keep-alive connection
(geventhttpclient, Locust's cheap client) walking the mix bench_load passed in its environment, with
``bench.loadclient``'s headers and verdicts; ``-u``/``-t`` on Locust's command line bound the load."""

from __future__ import annotations

import itertools
import os

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

from bench.loadclient import HEADERS, TIMEOUT_S, Walk
from bench.locustrun import mix_from_env

MIX = mix_from_env(os.environ)
_offsets = itertools.count()
_budget = itertools.count()


class MixVisitor(FastHttpUser):
    wait_time = constant(0)
    concurrency = 1  # one connection per user, as bench_load's other clients
    network_timeout = connection_timeout = TIMEOUT_S

    def on_start(self) -> None:
        self.walk = Walk(MIX.paths, next(_offsets), MIX.revalidate)

    @task
    def next_page(self) -> None:
        if next(_budget) >= MIX.budget:
            raise StopUser()
        path, extra = self.walk.next_request()
        with self.client.get(path, headers={**HEADERS, **(extra or {})}, catch_response=True) as answer:
            if answer.status_code == 0:  # no answer: Locust already counts the connection error as a failure
                return
            reason = self.walk.verdict(path, extra is not None, answer.status_code, answer.headers.get("etag"),
                                       answer.content or b"")
            if reason:
                answer.failure(reason)
            else:
                answer.success()
