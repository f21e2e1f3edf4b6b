"""Sub-commands of the `cmgis` CLI: one module per feature, each with ``register(sub)``.

``register`` adds an argparse sub-parser and sets ``func`` to a function taking the parsed
``argparse.Namespace`` and returning the exit code. Commands are thin wrappers over
library functions; errors are raised as `cmgis.CmgisError` and printed by `cmgis.cli.main`.
"""
