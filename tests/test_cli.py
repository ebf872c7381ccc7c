import subprocess
import sys

import pandas as pd

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


def test_ingest_says_why_rows_were_rejected_and_when_ratings_were_rescaled(tmp_path, capsys):
    # the counts alone hid that a whole file was rejected for one reason, or that ratings were rescaled
    from reviewtools.ingest import read_reviews

    tens = tmp_path / "tens.csv"
    tens.write_text("score,text,date\n10,great,2024-01-02\n2,bad,2024-01-03\n7,ok,2024-01-04\n,none,2024-01-05\n")
    undated = tmp_path / "undated.csv"
    undated.write_text("Review,Rating\nnice,5\nawful,1\n")
    assert main(["ingest", str(tens), str(undated)]) == 0
    out = capsys.readouterr().out
    lo, hi = read_reviews(tens).files[0].rating_scale
    assert f"note: {tens}: ratings read on a {lo:g}-{hi:g} scale" in out and (lo, hi) != (1.0, 5.0)
    rejects = read_reviews(undated).rejects
    assert len(rejects) == 2 and rejects["reason"].str.startswith("no date column").all()
    assert f"rejected in {undated}: 2 no date column in the file" in out
    assert f"rejected in {tens}: 1 rating missing" in out


def test_topics_writes_matches_even_when_discovery_refuses_a_small_set(tmp_path, capsys):
    from reviewtools.ingest import read_reviews
    from reviewtools.topics import find_topics

    src = tmp_path / "few.csv"
    src.write_text("rating,text,date\n1,It broke after a day,2024-01-02\n5,Lovely,2024-01-03\n")
    dest = tmp_path / "matches.csv"
    assert main(["topics", str(src), "--discover", "3", "--out", str(dest)]) == 2  # too few reviews for 3 themes
    capsys.readouterr()
    assert dest.exists() and len(pd.read_csv(dest)) == len(find_topics(read_reviews(src).reviews)) > 0
    empty = tmp_path / "header_only.csv"
    empty.write_text("rating,text,date\n")
    assert main(["topics", str(empty)]) == 0
    assert "nan" not in capsys.readouterr().out
