"""Every flag of every ``lemft`` command has help text, and ``--version`` works."""

from __future__ import annotations

import argparse

import pytest

from lemft_async import __version__
from lemft_async.cli import _parser, main


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(_parser())
IDS = [" ".join(path) or "lemft" for path, _ in COMMANDS]


def test_every_command_is_walked() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {("demo",), ("sandbox", "serve"), ("wallets", "list"), ("orders", "get")} <= paths


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_every_option_has_help(path: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
    missing = [
        "/".join(action.option_strings) or action.dest
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert missing == [], f"lemft {' '.join(path)}: no help for {missing}"


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_help_exits_0(
    path: tuple[str, ...], parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    assert "usage: lemft" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"lemft {__version__}"
