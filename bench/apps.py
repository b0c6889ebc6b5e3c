from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark suite: its data generator, runner and soak, as management commands. It has no models."""

    name = "bench"
    verbose_name = "Benchmarks"
