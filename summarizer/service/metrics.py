"""Prometheus metrics of one service instance, on its own registry (several apps per process
in tests, and no clash with whatever else the host process registers)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from ..models import ArticleSummary, Usage

__all__ = ["CONTENT_TYPE_LATEST", "ServiceMetrics"]


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "summarizer_http_requests_total", "HTTP requests answered.", ["method", "route", "status"], registry=r
        )
        self.http_latency = Histogram(
            "summarizer_http_request_duration_seconds", "HTTP request latency.", ["route"], registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )
        self.articles = Counter("summarizer_articles_total", "Articles summarized, by outcome.", ["outcome"], registry=r)
        self.provider_requests = Counter("summarizer_provider_requests_total", "HTTP requests sent to the provider.", registry=r)
        self.reasks = Counter("summarizer_reasks_total", "Validation re-asks.", registry=r)
        self.tokens = Counter("summarizer_tokens_total", "Provider tokens, by kind.", ["kind"], registry=r)
        self.jobs = Gauge("summarizer_jobs", "Batch jobs held, by status.", ["status"], registry=r)
        self.connections_closed = Counter(
            "summarizer_connections_closed_total", "Client connections closed by a server limit, by reason.", ["reason"], registry=r
        )
        for reason in ("header_timeout", "body_timeout", "connection_limit"):
            self.connections_closed.labels(reason)
        for outcome in ("ok", "failed", "cached"):
            self.articles.labels(outcome)
        for kind in ("prompt", "completion"):
            self.tokens.labels(kind)

    def usage(self, u: Usage) -> None:
        self.provider_requests.inc(u.requests)
        self.reasks.inc(u.reasks)
        self.tokens.labels("prompt").inc(u.prompt_tokens)
        self.tokens.labels("completion").inc(u.completion_tokens)

    def article_ok(self, summary: ArticleSummary) -> None:
        self.articles.labels("ok").inc()
        if summary.meta.cached:
            self.articles.labels("cached").inc()
        self.usage(summary.meta.usage)

    def article_failed(self, usage: Usage | None = None) -> None:
        self.articles.labels("failed").inc()
        if usage is not None:
            self.usage(usage)

    def connection_closed(self, reason: str) -> None:
        """Called by the server (``server.ConnectionGuard``) for each connection a limit closed."""
        self.connections_closed.labels(reason).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
