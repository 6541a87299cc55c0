"""One module per sub-command: `add_parser(sub, name)` registers it, `run(args)` does the work.

Modules import only argparse-level things at the top; everything else inside `run`.
"""
