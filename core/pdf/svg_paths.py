"""SVG path data read in one pass, for the plain paths our charts write, and plain
SVG values passed through WeasyPrint's normaliser untouched.

WeasyPrint reads a ``<path d="…">`` by rewriting the whole string twenty times (a space
around each command letter), normalising it with three regular expressions, then,
command by command, matching a regular expression on the rest of the string for each
pair of numbers and converting each number through its length parser. The committee
report's charts (bars with rounded corners, grid lines: ~13,000 characters of path
data) spent 113 million instructions there, 5.8 % of its render
(docs/performance-pdf.md, "Thirteenth pass").

Here a path whose data holds only the commands M, L, H, V, C and Z (either case) and
plain decimal numbers (``-12``, ``3.5``: no exponent, no plus sign, no leading dot),
separated by spaces, commas or a minus sign, with a whole number of argument groups
per command, is read by one regular expression; each number is ``float()`` of the same
characters upstream would have handed to ``float()``. It is then drawn by upstream's
statements for those commands, in upstream's order: the same stream operators with the
same values, the same vertices for markers (a test compares both over every chart and
random paths). Any other path data goes to upstream's function.

The same normaliser (``normalize``: three regular expressions) is run on every SVG
node's ``transform`` and ``transform-origin``, empty for nearly all, and on each label's
``x`` and ``y``: ~26,000 instructions a call, 825 calls, 1.2 % of the render. An empty
value or one plain decimal number normalises to itself (or to ``""``), so those are
handed back as they are; anything else is upstream's work.

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions whose reading it replaces.
"""

from __future__ import annotations

import importlib
import re
from math import atan2, pi

import weasyprint.svg as wp_svg
import weasyprint.svg.utils as wp_utils

from .switch import Switch, pinned, upstream, upstream_in

# Imported by name: weasyprint.svg's attribute "path" is the function, not the module.
wp_path = importlib.import_module("weasyprint.svg.path")

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the path
# reader, and what it reads numbers with.
PINNED_SOURCES = {
    "path": "194cd562b8d98251583c45d30938f4665547c796a15119e9ba05c25bb80f51d6",
    "normalize": "644aeada98cda081c18fd5527af8e441a253e7c176160e369d0fde24db650b31",
    "point": "993dbf313c8548a196c879609364ac06dba0c08a9e455606f0754e06004acb39",
    "size": "da153ed5f4a1a6201d9a4aa061d05aa39acb2999b58b2ae901703614424ee517",
    "SVG.point": "333add7cf44fde1d8f4eeb780784de5772900bfff957719a4b4ab3e8c6134b78",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_path, wp_utils, wp_svg), __name__)

_switch = Switch("svg_paths")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_path = upstream(wp_path.path)
_normalize = upstream(wp_utils.normalize)

_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_TOKEN = re.compile(rf"[MmLlHhVvCcZz]|{_NUMBER}")
_ONE_NUMBER = re.compile(_NUMBER)
# What tokens are made of, and what may stand between them.
_NOT_TOKENS = str.maketrans("", "", "MmLlHhVvCcZz0123456789.-")
_NOT_SEPARATORS = str.maketrans("", "", " \t\r\n,")
# Numbers each command takes, per repetition.
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "z": 0}


def _commands(data: str) -> list[tuple[str, list[float]]] | None:
    """(letter, numbers) per command, or None when upstream must read the data."""
    # Plain data is tokens and separators only, every token character inside a token
    # (a lone dot or minus, as in "1.2.3" or "--1", is left out by the tokens: upstream's).
    between = data.translate(_NOT_TOKENS)
    tokens = _TOKEN.findall(data)
    if between.translate(_NOT_SEPARATORS) or sum(map(len, tokens)) != len(data) - len(between):
        return None
    commands: list[tuple[str, list[float]]] = []
    for token in tokens:
        if token[-1].isdigit():
            if not commands:
                return None
            commands[-1][1].append(float(token))
        else:
            commands.append((token, []))
    for letter, numbers in commands:
        arity = _ARITY[letter.lower()]
        if (len(numbers) % arity if arity else len(numbers)) or (arity and not numbers):
            return None
    return commands


def path(svg, node, font_size):
    commands = _commands(node.get("d", "")) if _on() else None
    if commands is None:
        return _path(svg, node, font_size)
    stream, vertices = svg.stream, node.vertices
    current_point = 0, 0
    stream.move_to(*current_point)
    last_letter = None
    first_path_point = None
    for command, numbers in commands:
        arity = _ARITY[command.lower()]
        # A command given more numbers than it takes repeats (a move, as a line).
        repeats = len(numbers) // arity if arity else 1
        letter = command
        for repeat in range(repeats):
            args = numbers[repeat * arity : (repeat + 1) * arity]
            if last_letter in (None, "z", "Z") and letter not in "mM":
                vertices.append(current_point)
                first_path_point = current_point
            if last_letter in (None, "m", "M", "z", "Z"):
                first_path_point = None
            if letter not in (None, "m", "M", "z", "Z") and first_path_point is None:
                first_path_point = current_point
            if letter not in "zZ":
                current_point = _draw(stream, vertices, letter, args, current_point, last_letter)
                vertices.append(current_point)
            elif first_path_point:
                vertices.append(None)
                stream.close()
                current_point = first_path_point
            last_letter = letter
            letter = {"m": "l", "M": "L"}.get(letter, letter)
    return None


def _draw(stream, vertices, letter, args, current_point, last_letter):
    """Upstream's branch for ``letter`` (not a close, which the caller draws): draw,
    note the vertex angles, return the new current point."""
    if letter in "cC":
        x1, y1, x2, y2, x3, y3 = args
        if letter == "c":
            x, y = current_point
            x1 += x
            x2 += x
            x3 += x
            y1 += y
            y2 += y
            y3 += y
        vertices.append((atan2(y1 - y2, x1 - x2), atan2(y3 - y2, x3 - x2)))
        stream.curve_to(x1, y1, x2, y2, x3, y3)
        return x3, y3
    if letter in "hH":
        (x,) = args
        old_x, old_y = current_point
        if letter == "h":
            x += old_x
        angle = 0 if x > old_x else pi
        vertices.append((pi - angle, angle))
        stream.line_to(x, old_y)
        return x, old_y
    if letter in "vV":
        (y,) = args
        old_x, old_y = current_point
        if letter == "v":
            y += old_y
        angle = pi / 2 if y > old_y else -pi / 2
        vertices.append((pi - angle, angle))
        stream.line_to(old_x, y)
        return old_x, y
    if letter in "lL":
        x, y = args
        old_x, old_y = current_point
        if letter == "l":
            x += old_x
            y += old_y
        angle = atan2(y - old_y, x - old_x)
        vertices.append((pi - angle, angle))
        stream.line_to(x, y)
        return x, y
    if letter in "mM":
        x, y = args
        if last_letter and last_letter not in "zZ":
            vertices.append(None)
        if letter == "m":
            x += current_point[0]
            y += current_point[1]
        stream.move_to(x, y)
        return x, y
    raise ValueError(letter)


def normalize(string):
    if _on():
        if not string:
            return ""
        if _ONE_NUMBER.fullmatch(string):
            return string
    return _normalize(string)


path.__wrapped_original__ = _path
normalize.__wrapped_original__ = _normalize
# The SVG drawer finds each element's function in its TAGS table.
wp_svg.TAGS["path"] = path
# Each SVG module imported the normaliser by name (compiled modules look their globals
# up in the module's dictionary); core.pdf.svg_text calls it through weasyprint.svg.utils.
for _name in ("utils", "path", "shapes", "text", "bounding_box"):
    importlib.import_module(f"weasyprint.svg.{_name}").normalize = normalize
wp_svg.normalize = normalize
