"""The final verification: checks over the rendered app, run at synthesis.

Every module but ``app.py`` is plain Python over Kubernetes JSON (no cdk8s), one concern per
module; ``app.py`` registers the check as a cdk8s validation, once per App, reads every
chart's objects once and hands them to the checks. See ``docs/guards.md``.
"""
