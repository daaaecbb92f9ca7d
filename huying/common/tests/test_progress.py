from huying.common.progress import ProgressLine


def run(total: int, tty: bool) -> list[str]:
    written: list[str] = []
    line = ProgressLine(total=total, write=written.append, tty=tty)
    for done in range(1, total + 1):
        line.step(done, f"day {done}")
    line.finish()
    return written


def test_off_a_terminal_one_line_per_tenth_of_the_way():
    written = run(95, tty=False)
    assert len(written) == 10 and all(w.endswith("\n") for w in written)
    assert written[0] == "[###" + "-" * 21 + "]  11%  day 10\n"
    assert written[-1] == "[" + "#" * 24 + "] 100%  day 95\n"


def test_a_short_run_off_a_terminal_prints_each_step():
    assert [w.split("  ")[-1] for w in run(3, tty=False)] == ["day 1\n", "day 2\n",
                                                              "day 3\n"]


def test_on_a_terminal_one_line_redrawn_in_place_and_ended_once():
    written = run(12, tty=True)
    assert len(written) == 13 and all(w.startswith("\r") for w in written[:-1])
    assert written[-1] == "\n" and "".join(written).count("\n") == 1


def test_a_shorter_text_blanks_what_the_longer_one_left():
    written: list[str] = []
    line = ProgressLine(total=2, write=written.append, tty=True)
    line.step(1, "第一天很长的说明")
    line.step(2, "短")
    # Eight CJK characters (16 columns) then one (2 columns): 14 columns to blank.
    assert written[1].endswith("100%  短" + " " * 14)
