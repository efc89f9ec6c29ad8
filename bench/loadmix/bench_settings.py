"""The production settings, with one more page for the load benchmark: ``/bench/ping/``, the in-run
baseline (the same middleware, session and login check as every page, and nothing else)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
