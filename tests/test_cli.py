import subprocess
import sys

from reviewtools.cli import _build_parser, main


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "reviewtools", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "reviewtools" in out.stdout


def test_every_command_is_documented():
    parser = _build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        assert p.description or p.format_help(), name
        helps = {a.help for a in sub._choices_actions if a.dest == name}
        assert helps and all(helps), f"sub-command {name} has no help text"
