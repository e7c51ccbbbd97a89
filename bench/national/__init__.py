"""The national-scale benchmark: data generator and measuring process (see bench_national)."""
