"""The architecture, checked from the source: sizes, the import graph, task names and where
permission decisions are made (design.md "The shape", docs/development.md)."""
