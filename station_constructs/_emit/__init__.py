"""Step three of three: hand rendered objects (plain data) to cdk8s, in the construct tree.

See ``docs/architecture.md``.
"""
