"""The `mockint` command: parses arguments and hands off to one module per sub-command.

Nothing heavy is imported here: `--version` and `--help` must stay fast, and the TUI, the
`openai` client and the database are imported only by the commands that use them.
"""

from __future__ import annotations

import sys

# sub-command -> module under mockint.commands
COMMANDS: dict[str, str] = {
    "mock": "mock",
    "drill": "drill",
    "practice": "practice",
    "problems": "problems",
    "validate": "validate",
    "grade": "grade",
    "history": "history",
    "show": "show",
    "export": "export",
    "import": "import_",
    "regrade": "regrade",
    "calibrate": "calibrate",
    "doctor": "doctor",
}


def build_parser():  # -> argparse.ArgumentParser
    import argparse
    import importlib

    from mockint import __version__

    parser = argparse.ArgumentParser(
        prog="mockint",
        description="Practise system design interviews: timed mocks, rubric feedback, score history.",
        epilog="Run 'mockint' with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"mockint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"mockint.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mockint.commands.{module_name}":
                raise
            continue
        module.add_parser(sub, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv in (["--version"], ["-V"]):
        from mockint import __version__

        print(f"mockint {__version__}")
        return 0
    if argv:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
            return int(exc.code or 0)
    else:  # plain `mockint` opens the app: building the parser would only delay its first frame
        from types import SimpleNamespace

        args = SimpleNamespace(command=None)
    from mockint.errors import MockintError

    try:
        if args.command is None:
            from mockint.commands.mock import open_home

            return open_home(args)
        return int(args.run(args) or 0)
    except MockintError as exc:
        print(f"mockint: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mockint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
