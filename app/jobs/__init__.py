"""Ingestion jobs: the queue only says "run job N"; every input's state lives in the database.

That split is what makes a worker killed with SIGKILL harmless: each input is stored together with its
item's new state in one transaction, so a restarted worker (which re-queues unfinished jobs) picks up the
pending items and finds nothing to store twice. ``queue`` is the huey instance, ``service`` creates jobs and
records outcomes (flush only), ``worker`` runs them; ``app.runtime`` builds and wires the three per process.
Without Redis a web process has them run by its job process (``process`` starts and watches it, ``child`` is it).
"""
