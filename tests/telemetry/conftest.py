"""OpenTelemetry SDK providers with in-memory exporters, and readers of what they got."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lemft_async.telemetry import Instrumentation


def attrs_of(span: ReadableSpan) -> dict[str, Any]:
    """A span's attributes, typed loosely for comparisons."""
    return dict(span.attributes or {})


@dataclass
class Recorded:
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader
    instrumentation: Instrumentation

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def span(self, name: str) -> ReadableSpan:
        found = [s for s in self.spans() if s.name == name]
        assert len(found) == 1, [s.name for s in self.spans()]
        return found[0]

    def attrs(self, name: str) -> dict[str, Any]:
        return attrs_of(self.span(name))

    def points(self, metric: str) -> list[tuple[dict[str, Any], Any]]:
        """``(attributes, value)`` of every point of ``metric``: a counter's sum, a
        histogram's ``(count, sum)``."""
        data = self.reader.get_metrics_data()
        found: list[tuple[dict[str, Any], Any]] = []
        for resource in data.resource_metrics if data is not None else ():
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name != metric:
                        continue
                    for point in item.data.data_points:
                        value: Any = (
                            (point.count, point.sum)
                            if isinstance(point, HistogramDataPoint)
                            else getattr(point, "value", None)
                        )
                        found.append((dict(point.attributes or {}), value))
        return found

    def value(self, metric: str, wanted: dict[str, Any]) -> Any:
        """The value of the one point of ``metric`` whose attributes include ``wanted``."""
        matching = [v for a, v in self.points(metric) if wanted.items() <= a.items()]
        assert len(matching) == 1, (metric, wanted, self.points(metric))
        return matching[0]


@pytest.fixture
def otel() -> Iterator[Recorded]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Recorded(
        exporter,
        reader,
        Instrumentation(tracer_provider=tracer_provider, meter_provider=meter_provider),
    )
    tracer_provider.shutdown()
    meter_provider.shutdown()
