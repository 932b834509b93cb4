"""The Textual workarounds are checked against one Textual release; a new pin
must re-check them (this test names the module to read)."""

from importlib.metadata import version

from tutor import textual_compat


def test_the_pinned_textual_is_the_one_the_workarounds_were_checked_against():
    installed = version("textual")
    assert installed == textual_compat.CHECKED_TEXTUAL_VERSION, (
        f"Textual {installed} is installed, but tutor/textual_compat.py was checked against "
        f"{textual_compat.CHECKED_TEXTUAL_VERSION}: re-check every item in that module, "
        "then update CHECKED_TEXTUAL_VERSION"
    )
