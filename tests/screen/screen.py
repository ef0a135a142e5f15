"""
What a person sees: reading the guest's screen back, and what it must
show.  tests/screen/check.py uses it; it needs only Python and QEMU.

    Qmp             QEMU's machine protocol over a Unix socket (QEMU
                    docs/interop/qmp-spec): screendump, the monitor's
                    xp command, quit
    read_ppm()      the screendump: a binary PPM (P6, maxval 255)
    write_png()     an RGB image as PNG, with zlib (the PNG spec: IHDR,
                    IDAT of filtered scanlines, IEND, each with a CRC)
    decode_fb()     a framebuffer screen as text and colours, glyph by
                    glyph, with the kernel's own font (tools/mkfont.py)
    read_ega()      the EGA text screen as QEMU's VGA holds it at 0xb8000
    check_ega()     ... and that the screendump draws those cells
    expected()      the screen the kernel must leave, from its serial log
    compare()       the screen against it, text and colours

The kernel's side is kernel/screen.c (the grid, its wrapping and the
panel), kernel/fbcons.c (the glyphs and the palette) and
kernel/summary.c (the summary lines).
"""

import json
import os
import re
import socket
import struct
import sys
import time
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
import mkfont  # noqa: E402  (tools/mkfont.py: the same font as the kernel)

# The 16-colour VGA palette (kernel/fbcons.c, fb_vga_palette).
PALETTE = [0x000000, 0x0000aa, 0x00aa00, 0x00aaaa,
           0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
           0x555555, 0x5555ff, 0x55ff55, 0x55ffff,
           0xff5555, 0xff55ff, 0xffff55, 0xffffff]
LIGHTGREY, WHITE = PALETTE[7], PALETTE[15]
BLACK, GREEN, RED, BROWN = PALETTE[0], PALETTE[2], PALETTE[4], PALETTE[6]
VERDICT_COLOUR = {"PASS": GREEN, "HALT": BROWN, "FAIL": RED,
                  "CRASH": RED, "PANIC": RED}
COLOUR_NAME = {GREEN: "green", RED: "red", BROWN: "amber", BLACK: "black",
               LIGHTGREY: "light grey", WHITE: "white"}
FB_WIDE = 1920          # kernel/fbcons.h: glyphs are 2x from here on


class ScreenError(Exception):
    """The screen is not what it must be; the message says where."""


# ---------------------------------------------------------------------
# QEMU

class Qmp:
    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        self.sock = socket.socket(socket.AF_UNIX)
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rw")
        json.loads(self.file.readline())        # the greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg) + "\n")
        self.file.flush()
        while True:
            line = self.file.readline()
            if not line:
                raise OSError("QMP: QEMU closed the socket")
            r = json.loads(line)
            if "error" in r:
                raise OSError("QMP %s: %s" % (name, r["error"]))
            if "return" in r:
                return r["return"]

    def hmp(self, command):
        return self.cmd("human-monitor-command", **{"command-line": command})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------
# Images

class Image:
    def __init__(self, width, height, data):
        self.width, self.height, self.data = width, height, bytearray(data)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return self.data[i] << 16 | self.data[i + 1] << 8 | self.data[i + 2]

    def fill(self, x0, y0, w, h, rgb):
        px = bytes([(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255])
        for y in range(y0, y0 + h):
            i = (y * self.width + x0) * 3
            self.data[i:i + 3 * w] = px * w


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ScreenError("%s: not a P6 PPM with maxval 255" % path)
    w, h = int(fields[1]), int(fields[2])
    if len(data) - pos < w * h * 3:
        raise ScreenError("%s: short pixel data" % path)
    return Image(w, h, data[pos:pos + w * h * 3])


def write_png(img, path):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    stride = img.width * 3
    raw = b"".join(b"\0" + bytes(img.data[y * stride:(y + 1) * stride])
                   for y in range(img.height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", img.width, img.height,
                                           8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) +
                chunk(b"IEND", b""))


# ---------------------------------------------------------------------
# A screen: rows of cells, each (character, foreground, background) with
# colours as 0xRRGGBB; the foreground of a blank cell is None.

_font = None


def font():
    global _font
    if _font is None:
        f = mkfont.Font()
        _font = {"font": f, "bits": {}, "glyph": {}}
        for code, rows in f.cells():
            ch = chr(code) if code <= mkfont.LAST else "\ufffd"
            _font["glyph"][ch] = rows
            if code != 0x20:
                _font["bits"][tuple(rows)] = ch
    return _font


def fb_geometry(width, height):
    """Columns, rows and scale of the kernel's text on a framebuffer of
    this size (kernel/fbcons.c, fbcons_start())."""
    scale = 2 if width >= FB_WIDE else 1
    cols = min(width // (mkfont.WIDTH * scale), 256)
    rows = min(height // (mkfont.HEIGHT * scale), 96)
    return cols, rows, scale


def _cell_bits(img, x0, y0, scale):
    """The cell at pixel (x0, y0) as (rows of bits, colours), sampling
    one pixel per font pixel; None if a font pixel is not a uniform
    scale x scale block."""
    w = mkfont.WIDTH * scale
    lines = []
    for y in range(mkfont.HEIGHT * scale):
        i = ((y0 + y) * img.width + x0) * 3
        lines.append(bytes(img.data[i:i + 3 * w]))
    pixels = []
    for gy in range(mkfont.HEIGHT):
        line = lines[gy * scale]
        if any(lines[gy * scale + k] != line for k in range(1, scale)):
            return None
        row = [line[3 * scale * gx:3 * scale * gx + 3]
               for gx in range(mkfont.WIDTH)]
        if scale > 1 and b"".join(p * scale for p in row) != line:
            return None
        pixels.append(row)
    return pixels


def decode_fb(img, cols, rows, scale):
    """The text on a framebuffer screen.  A cell that is no glyph of the
    font in two colours reads as "\\0", so garbage never reads as text."""
    f = font()
    screen = []
    for cy in range(rows):
        line = []
        for cx in range(cols):
            px = _cell_bits(img, cx * mkfont.WIDTH * scale,
                            cy * mkfont.HEIGHT * scale, scale)
            if px is None:
                line.append(("\0", None, None))
                continue
            colours = sorted({p for row in px for p in row})
            if len(colours) == 1:
                line.append((" ", None, int.from_bytes(colours[0], "big")))
                continue
            if len(colours) != 2:
                line.append(("\0", None, None))
                continue
            found = ("\0", None, None)
            for fg, bg in ((colours[0], colours[1]),
                           (colours[1], colours[0])):
                bits = tuple(sum(0x80 >> x for x, p in enumerate(row)
                                 if p == fg) for row in px)
                ch = f["bits"].get(bits)
                if ch is not None:
                    found = (ch, int.from_bytes(fg, "big"),
                             int.from_bytes(bg, "big"))
                    break
            line.append(found)
        screen.append(line)
    return screen


def render_fb(screen, width, height, scale):
    """The screen drawn as the kernel draws it (kernel/fbcons.c): what
    decode_fb() must read back; used to test the reader itself."""
    f = font()
    img = Image(width, height, bytes(width * height * 3))
    cw, ch = mkfont.WIDTH * scale, mkfont.HEIGHT * scale
    for cy, line in enumerate(screen):
        for cx, (c, fg, bg) in enumerate(line):
            img.fill(cx * cw, cy * ch, cw, ch, bg)
            if c == " ":
                continue
            rows = f["glyph"].get(c, f["glyph"]["\ufffd"])
            for gy, bits in enumerate(rows):
                for gx in range(mkfont.WIDTH):
                    if bits & (0x80 >> gx):
                        img.fill(cx * cw + gx * scale, cy * ch + gy * scale,
                                 scale, scale, fg)
    return img


# ---------------------------------------------------------------------
# EGA text

def read_ega(qmp, cols, rows, addr=0xb8000):
    """The cells of the text screen, from guest memory through the
    monitor's xp command, as (character, fg index, bg index)."""
    out = qmp.hmp("xp /%dxh 0x%x" % (cols * rows, addr))
    words = []
    for line in out.splitlines():
        if ":" in line:
            words += [int(w, 16) for w in line.split(":", 1)[1].split()]
    if len(words) != cols * rows:
        raise ScreenError("xp gave %d cells, not %d" % (len(words),
                                                        cols * rows))
    return [[(chr(w & 0xff), (w >> 8) & 0xf, (w >> 12) & 0x7)
             for w in words[r * cols:(r + 1) * cols]] for r in range(rows)]


def _near(rgb, want, slack=8):
    """QEMU's VGA turns the DAC's 6-bit colours into 8 bits (hw/display/
    vga.c, c6_to_8()): 0x2a is 0xa8, not 0xaa."""
    return all(abs(((rgb >> s) & 255) - ((want >> s) & 255)) <= slack
               for s in (16, 8, 0))


def check_ega(img, cells):
    """The screendump must draw the cells: every cell of the same
    character and colours alike, different printable characters
    differently, a blank cell in its background colour only, and every
    pixel in one of its cell's two colours.  Returns the screen with the
    palette's colours."""
    rows, cols = len(cells), len(cells[0])
    if img.width % cols or img.height % rows:
        raise ScreenError("a %dx%d screendump is no grid of %dx%d cells" % (
            img.width, img.height, cols, rows))
    cw, ch = img.width // cols, img.height // rows
    by_key, by_block = {}, {}
    screen = []
    for r in range(rows):
        line = []
        for c in range(cols):
            char, fg, bg = cells[r][c]
            block = b"".join(bytes(img.data[((r * ch + y) * img.width +
                                             c * cw) * 3:
                                            ((r * ch + y) * img.width +
                                             (c + 1) * cw) * 3])
                             for y in range(ch))
            colours = {int.from_bytes(block[i:i + 3], "big")
                       for i in range(0, len(block), 3)}
            where = "row %d column %d (%r)" % (r, c, char)
            if not all(_near(p, PALETTE[fg]) or _near(p, PALETTE[bg])
                       for p in colours):
                raise ScreenError("%s: the screendump shows colours %s, not "
                                  "%s on %s" % (where, sorted(
                                      "%06x" % p for p in colours),
                                      "%06x" % PALETTE[fg],
                                      "%06x" % PALETTE[bg]))
            if char == " " and colours != {p for p in colours
                                           if _near(p, PALETTE[bg])}:
                raise ScreenError("%s: a blank cell with a foreground" %
                                  where)
            if char != " " and len(colours) < 2 and fg != bg:
                raise ScreenError("%s: the screendump shows nothing there" %
                                  where)
            key = (char, fg, bg)
            if by_key.setdefault(key, block) != block:
                raise ScreenError("%s is drawn unlike the same character "
                                  "elsewhere" % where)
            if char != " " and by_block.setdefault((block, fg, bg),
                                                   char) != char:
                raise ScreenError("%s is drawn like %r" % (
                    where, by_block[(block, fg, bg)]))
            line.append((char, PALETTE[fg] if char != " " else None,
                         PALETTE[bg]))
        screen.append(line)
    return screen


# ---------------------------------------------------------------------
# What the screen must show

def log_lines(path):
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    return [l.rstrip("\r") for l in text.split("\n")]


def _wrap(line, cols):
    if line == "":
        return [""]
    return [line[i:i + cols] for i in range(0, len(line), cols)]


def summary_of(lines):
    """The "# summary: " lines, and the exit status line."""
    summary = [l[len("# summary: "):] for l in lines
               if l.startswith("# summary: ")]
    exits = [l for l in lines if l.startswith("# exit status ")]
    return summary, exits[-1] if exits else None


def panel_lines(summary, exit_line):
    """The panel's lines, as kernel/summary.c, summary_show(), makes
    them from the same summary."""
    m = re.match(r"# exit status (0x[0-9a-f]{2}) \(.*\), (halted without|"
                 r"QEMU exit code (\d+))", exit_line or "")
    if not m or not summary:
        raise ScreenError("the log has no summary or exit status line")
    status = int(m.group(1), 16)
    if m.group(2) == "halted without":
        last = "exit status 0x%02x: halted here for you to read " \
               "(exit=halt)" % status
    else:
        last = ("exit status 0x%02x, QEMU exit code %d where QEMU's exit "
                "port is; halted otherwise" % (status, (status << 1) | 1))
    return ["pvbus testbed: " + summary[0]] + summary[1:] + [last]


def expected(lines, cols, rows):
    """The screen the kernel leaves (kernel/screen.c): the report from
    the kernel's first line on, without the lines only the serial port
    gets, wrapped at the width; the panel over the top rows, at most
    half of them, each line after a space and wrapped with the rest
    indented by three; under it the end of the report, whose last line
    is on the bottom row.  Rows of (text, kind), kind "panel" or
    "report"."""
    start = "pvbus testbed: booted"
    try:
        first = next(i for i, l in enumerate(lines) if start in l)
    except StopIteration:
        raise ScreenError("the log has no %r line" % start)
    summary, exit_line = summary_of(lines)
    report = []
    # Firmware may write to the port first (OVMF does), with no newline.
    body = [lines[first][lines[first].index(start):]] + lines[first + 1:]
    if body and body[-1] == "":
        body = body[:-1]        # the text ended with a newline
    for l in body:
        if l.startswith("# summary: ") or l == exit_line:
            continue
        report += _wrap(l, cols)
    panel = []
    for line in panel_lines(summary, exit_line):
        indent = 1
        while True:
            panel.append(" " * indent + line[:cols - indent])
            line = line[cols - indent:]
            indent = 3 if cols > 8 else 1
            if not line or len(panel) == max(rows // 2, 1):
                break
        if len(panel) == max(rows // 2, 1):
            break
    top = max(0, len(report) - rows)
    out = [(p, "panel") for p in panel]
    for y in range(len(panel), rows):
        r = top + y
        out.append((report[r] if r < len(report) else "", "report"))
    return out


def text_of(screen):
    return ["".join(c for c, _, _ in line).rstrip(" ") for line in screen]


def compare(screen, want, verdict):
    """The screen against the expected rows: the same text, row by row,
    the panel's cells on the verdict's colour in white, the report's
    light grey on black."""
    got = text_of(screen)
    if len(got) != len(want):
        raise ScreenError("%d rows on screen, %d expected" % (len(got),
                                                             len(want)))
    if not any(t.strip() for t in got):
        raise ScreenError("the screen is blank")
    for y, ((text, kind), line) in enumerate(zip(want, got)):
        if text.rstrip(" ") != line:
            raise ScreenError("row %d reads %r, expected %r" % (
                y, line.replace("\0", "?"), text.rstrip(" ")))
    panel_bg = VERDICT_COLOUR[verdict]
    for y, (text, kind) in enumerate(want):
        fg_want, bg_want = (WHITE, panel_bg) if kind == "panel" else \
            (LIGHTGREY, BLACK)
        for x, (c, fg, bg) in enumerate(screen[y]):
            if bg != bg_want or (c != " " and fg != fg_want):
                raise ScreenError(
                    "row %d column %d (%r) is %s on %s, not %s on %s" % (
                        y, x, c, "nothing" if fg is None else
                        COLOUR_NAME.get(fg, "%06x" % fg),
                        "?" if bg is None else
                        COLOUR_NAME.get(bg, "%06x" % bg),
                        COLOUR_NAME[fg_want], COLOUR_NAME[bg_want]))
