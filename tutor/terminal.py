"""What the terminal can show, and how text is spelled for one that shows only ASCII.

Standard library only: the command line decides before Textual is imported.

Textual draws boxes, rules, scrollbars and trees with Unicode line and block
characters and writes them as text to the terminal in Python's own encoding.
In a locale that is not UTF-8 (``LANG=C``, ``en_US.ISO-8859-1``, a bare
console) those characters arrive as mojibake or as ``\\u2500`` escapes, so the
tutor draws with ASCII only: see :mod:`tutor.ascii_mode`.
"""

from __future__ import annotations

import locale
import os
import sys
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

__all__ = [
    "ASCII_ENV",
    "ascii_from_env",
    "ascii_text",
    "can_draw_lines",
    "char_spelling",
    "locale_charset",
    "long_spelling",
    "wants_ascii",
]

ASCII_ENV = "MICROGRAD_TUTOR_ASCII"

# A sample of what Textual draws: rounded corners, lines, a scrollbar's eighth
# block, a full block and a braille dot (the charts).
DRAWING_SAMPLE = "╭─╮│╰╯├└▁█⣿"

# What Python's own C-locale coercion (PEP 538) writes into LC_CTYPE when it
# finds the C locale at start-up; the learner's locale is then in LANG.
_COERCED_CTYPES = ("C.UTF-8", "C.utf8", "UTF-8")

_ON = ("1", "yes", "true", "on")
_OFF = ("0", "no", "false", "off")


def ascii_from_env(environ: Mapping[str, str] | None = None) -> bool | None:
    """``MICROGRAD_TUTOR_ASCII``: True for 1/yes/true/on, False for 0/no/false/off,
    None when it is unset or says neither (then the locale decides)."""
    environ = os.environ if environ is None else environ
    value = environ.get(ASCII_ENV, "").strip().casefold()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    return None


def locale_charset(
    environ: Mapping[str, str] | None = None, *, utf8_mode: bool | None = None
) -> str:
    """The character set the learner's locale names ("UTF-8", "ISO8859-1"), or ""
    for the C locale, which is ASCII.

    The variables are read as the C library reads them (LC_ALL, then LC_CTYPE,
    then LANG), which is also how tmux decides whether a terminal takes UTF-8. When
    Python found the C locale at start-up it set LC_CTYPE to C.UTF-8 itself and
    switched to UTF-8 mode (``utf8_mode``); that LC_CTYPE says nothing about the
    terminal, so it is skipped.
    """
    environ = os.environ if environ is None else environ
    utf8_mode = bool(sys.flags.utf8_mode) if utf8_mode is None else utf8_mode
    names = ["LC_ALL", "LC_CTYPE", "LANG"]
    coerced = (
        utf8_mode
        and not environ.get("LC_ALL")
        and "PYTHONUTF8" not in environ
        and environ.get("LC_CTYPE") in _COERCED_CTYPES
    )
    if coerced:
        names.remove("LC_CTYPE")
    name = next((environ[key] for key in names if environ.get(key)), "C")
    # normalize() fills in a locale's default character set: en_US is ISO8859-1.
    full = locale.normalize(name)
    return full.partition(".")[2].partition("@")[0]


def can_draw_lines(charset: str) -> bool:
    """Whether text in ``charset`` can carry Textual's line and block characters.
    A character set Python does not know is given the benefit of the doubt."""
    if not charset:
        return False
    try:
        DRAWING_SAMPLE.encode(charset)
    except UnicodeEncodeError:
        return False
    except LookupError:
        return True
    return True


def wants_ascii(
    flag: bool | None,
    environ: Mapping[str, str] | None = None,
    *,
    utf8_mode: bool | None = None,
    output_encoding: str | None = None,
) -> bool:
    """Draw with ASCII only? ``--ascii``/``--no-ascii`` (``flag``) decides first, then
    ``MICROGRAD_TUTOR_ASCII``, then the terminal: ASCII when the locale's character
    set, or the encoding Textual will write in (``output_encoding``, by default
    stderr's), cannot carry line-drawing characters. Windows terminals take UTF-8."""
    if flag is not None:
        return flag
    setting = ascii_from_env(environ)
    if setting is not None:
        return setting
    if sys.platform == "win32":
        return False
    if output_encoding is None:
        output_encoding = getattr(sys.__stderr__, "encoding", None) or "utf-8"
    charset = locale_charset(environ, utf8_mode=utf8_mode)
    return not (can_draw_lines(charset) and can_draw_lines(output_encoding))


# -- spelling in ASCII ---------------------------------------------------------------

# Spellings longer than the symbol, used where the line has room for them.
SPELLED = {
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "↔": "<->",
    "…": "...",
    "≤": "<=",
    "≥": ">=",
    "≈": "~=",
    "≠": "!=",
    "±": "+-",
    "∞": "inf",
    "√": "sqrt",
    "⏎": "enter",
}

# One character for each cell: the spelling when there is no room, and for the rest.
CELL = {
    "∂": "d",
    "−": "-",
    "—": "-",
    "–": "-",
    "‒": "-",
    "―": "-",
    "‐": "-",
    "‑": "-",
    "×": "*",
    "·": "*",
    "∙": "*",
    "⋅": "*",
    "÷": "/",
    "•": "*",
    "‣": "*",
    "→": ">",
    "←": "<",
    "⇒": ">",
    "↔": "-",
    "↑": "^",
    "↓": "v",
    "▶": ">",
    "►": ">",
    "▸": ">",
    "▷": ">",
    "◀": "<",
    "◄": "<",
    "◂": "<",
    "◁": "<",
    "▼": "v",
    "▾": "v",
    "▽": "v",
    "▲": "^",
    "▴": "^",
    "△": "^",
    "✓": "*",
    "✔": "*",
    "✗": "x",
    "✘": "x",
    "…": ".",
    "≤": "<",
    "≥": ">",
    "≈": "~",
    "≠": "#",
    "±": "+",
    "∞": "~",
    "√": "V",
    "⏎": "<",
    "⌫": "<",
    "‖": "|",
    "■": "#",
    "□": "o",
    "●": "o",
    "○": "o",
    "◦": "o",
    "⭘": "o",
    "🔎": ">",
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "«": "<",
    "»": ">",
    "\u00a0": " ",
    "α": "a",
    "β": "b",
    "γ": "g",
    "δ": "d",
    "Δ": "D",
    "ε": "e",
    "η": "n",
    "θ": "t",
    "λ": "l",
    "μ": "u",
    "π": "p",
    "σ": "s",
    "Σ": "S",
    "τ": "t",
    "φ": "f",
    "ω": "w",
}

# Superscripts spell as powers: x² is x^2, e²ⁿ is e^(2n).
SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁺": "+",
    "⁻": "-",
    "⁽": "(",
    "⁾": ")",
    "ⁿ": "n",
    "ˣ": "x",
    "ⁱ": "i",
    "ᵏ": "k",
}


def ascii_text(text: str) -> str:
    """``text`` spelled in ASCII, each symbol in full (``∂L/∂a → 0`` is ``dL/da -> 0``),
    for output that has no columns to keep, such as ``--list``."""
    if text.isascii():
        return text
    out = []
    index = 0
    while index < len(text):
        end = index + 1
        if text[index] in SUPERSCRIPTS:
            while end < len(text) and text[end] in SUPERSCRIPTS:
                end += 1
        symbol = text[index:end]
        out.append(
            symbol
            if symbol.isascii()
            else long_spelling(symbol) or "".join(map(char_spelling, symbol))
        )
        index = end
    return "".join(out)


@lru_cache(maxsize=1024)
def long_spelling(symbol: str) -> str:
    """The full ASCII spelling of a symbol (a run of superscripts counts as one), or
    "" when it has none longer than one character: ``->``, ``...``, ``^2``, ``^(2n)``."""
    if symbol[0] in SUPERSCRIPTS:
        plain = "".join(SUPERSCRIPTS[char] for char in symbol)
        return f"^{plain}" if len(plain) == 1 else f"^({plain})"
    if symbol in SPELLED:
        return SPELLED[symbol]
    # A decomposition longer than the character (the ligature ``ﬁ``), if any.
    plain = unicodedata.normalize("NFKD", symbol).encode("ascii", "ignore").decode()
    return plain if len(plain) > len(symbol) else ""


@lru_cache(maxsize=1024)
def char_spelling(char: str) -> str:
    """One character in ASCII, in one character ("" for a combining mark): line,
    block and braille characters by their Unicode names, accented letters and
    full-width forms by their decomposition, anything else as ``?``."""
    if char.isascii():
        return char
    spelling = CELL.get(char) or SUPERSCRIPTS.get(char)
    if spelling:
        return spelling
    if unicodedata.combining(char):
        return ""
    code = ord(char)
    if 0x2800 <= code <= 0x28FF:  # braille: a dot pattern, as a chart draws points
        dots = bin(code - 0x2800).count("1")
        return " " if dots == 0 else "." if dots <= 3 else ":"
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        words = set(name.split())
        if "DIAGONAL" in words:
            return "X" if "CROSS" in words else "/" if "UPPER RIGHT" in name else "\\"
        across = bool(words & {"HORIZONTAL", "LEFT", "RIGHT"})
        upright = bool(words & {"VERTICAL", "UP", "DOWN"})
        if across and not upright:
            return "=" if "DOUBLE" in words else "-"
        if upright and not across:
            return "|"
        return "+"
    if 0x2580 <= code <= 0x259F:  # block elements
        if name in ("FULL BLOCK", "DARK SHADE"):
            return "#"
        if name == "MEDIUM SHADE":
            return ":"
        if name == "LIGHT SHADE":
            return "."
        if "QUADRANT" in name:
            return "+"
        if "LEFT" in name or "RIGHT" in name:
            return "|"
        # The thinnest and the half blocks are edges (a tall border's top and bottom)
        # and points (a chart); the others are a scrollbar's ends, which colour carries.
        if name in ("UPPER ONE EIGHTH BLOCK", "UPPER HALF BLOCK"):
            return "-"
        if name in ("LOWER ONE EIGHTH BLOCK", "LOWER HALF BLOCK"):
            return "_"
        return " "
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain[:1] or "?"
