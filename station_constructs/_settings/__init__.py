"""Step one of three: validated settings (typed, frozen, plain Python; no cdk8s).

See ``docs/architecture.md`` for the three steps (settings, renderers, emission).
"""
