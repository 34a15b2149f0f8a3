"""Step two of three: renderers, settings in, Kubernetes objects out as plain Python data.

Nothing here imports cdk8s (tests/test_render.py imports these modules without it), so a
renderer is tested by calling it. See ``docs/architecture.md``.
"""
