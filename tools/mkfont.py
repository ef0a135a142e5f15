#!/usr/bin/env python3
"""tools/mkfont.py PF2 > font.c: the console font, from GRUB's own.

The framebuffer console (kernel/fbcons.c) draws with a real bitmap font
that a Debian package ships: GRUB's /usr/share/grub/unicode.pf2 (package
grub-common, which the ISO needs anyway), GNU Unifont at 16 pixels.
`make` runs this at build time and compiles the C it prints into the
kernel: an 8x16 cell for each printable ASCII character (0x20-0x7e),
which is all the console is ever sent (printf writes every other byte
as an escape), and the font's U+FFFD REPLACEMENT CHARACTER, drawn for
any other byte so that nothing shows as a blank.  The screenshot tests
(tests/screen/) import this file to draw the same glyphs on the host.

The PF2 format, as GRUB 2.06 reads it (grub-core/font/font.c,
grub_font_load() and grub_font_get_glyph_internal()): a series of
sections, each a four-letter name, a big-endian u32 length and that
many bytes.  "FILE" holds "PFF2"; "NAME" the font's name; "MAXW",
"MAXH", "ASCE" and "DESC" big-endian 16-bit metrics; "CHIX" the
character index, 9 bytes an entry (u32 code point, u8 storage flags,
u32 file offset of the glyph), in ascending code point order; "DATA"
(length 0xffffffff) runs to the end of the file.  A glyph at its
offset: u16 width, u16 height, s16 x offset, s16 y offset (from the
baseline to the glyph's bottom row), s16 device width, then
ceil(width * height / 8) bytes of bitmap, rows packed one after the
other with no padding, most significant bit first.  Its top row sits
(ascent - height - y offset) rows below the top of the line; its left
column x offset pixels right of the pen.
"""

import struct
import sys

FONT = "/usr/share/grub/unicode.pf2"
WIDTH, HEIGHT = 8, 16           # the cell; kernel/font.h says the same
FIRST, LAST = 0x20, 0x7e
PLACEHOLDER = 0xfffd


class FontError(Exception):
    pass


class Font:
    """The glyphs of a PF2 file, each as HEIGHT row bytes of a WIDTH-wide
    cell (bit 7 the leftmost pixel)."""

    def __init__(self, path=FONT):
        try:
            with open(path, "rb") as f:
                self.data = f.read()
        except OSError as e:
            raise FontError("%s: %s (Debian: grub-common)" % (path,
                                                              e.strerror))
        self.path = path
        self.sections = {}
        self.index = {}
        self._read_sections()
        self.name = self.sections.get(b"NAME", b"").rstrip(b"\0").decode(
            "ascii", "replace")
        self.ascent = self._short(b"ASCE")
        self.descent = self._short(b"DESC")
        if self.ascent + self.descent != HEIGHT:
            raise FontError("%s: ascent %d + descent %d is not the %d-pixel "
                            "cell" % (path, self.ascent, self.descent,
                                      HEIGHT))

    def _read_sections(self):
        d, off = self.data, 0
        if d[:4] != b"FILE" or d[8:12] != b"PFF2":
            raise FontError("%s: not a PF2 font (no FILE section holding "
                            "PFF2)" % self.path)
        while off + 8 <= len(d):
            name = d[off:off + 4]
            length = struct.unpack(">I", d[off + 4:off + 8])[0]
            if name == b"DATA":
                break
            if off + 8 + length > len(d):
                raise FontError("%s: section %r runs past the end" % (
                    self.path, name))
            self.sections[name] = d[off + 8:off + 8 + length]
            off += 8 + length
        chix = self.sections.get(b"CHIX")
        if chix is None or len(chix) % 9 != 0:
            raise FontError("%s: no character index of 9-byte entries" %
                            self.path)
        for i in range(0, len(chix), 9):
            code, _, offset = struct.unpack(">IBI", chix[i:i + 9])
            self.index[code] = offset

    def _short(self, name):
        v = self.sections.get(name)
        if v is None or len(v) != 2:
            raise FontError("%s: no 16-bit %s section" % (self.path,
                                                           name.decode()))
        return struct.unpack(">h", v)[0]

    def glyph(self, code):
        """The cell of code point `code`, or None if the font lacks it."""
        if code not in self.index:
            return None
        off = self.index[code]
        w, h, xoff, yoff, dwidth = struct.unpack(">HHhhh",
                                                 self.data[off:off + 10])
        bits = self.data[off + 10:off + 10 + (w * h + 7) // 8]
        top = self.ascent - h - yoff
        if dwidth != WIDTH or xoff < 0 or xoff + w > WIDTH or top < 0 or \
                top + h > HEIGHT:
            raise FontError("%s: U+%04X (%dx%d at %d,%d, advance %d) does "
                            "not fit an %dx%d cell" % (self.path, code, w, h,
                                                       xoff, top, dwidth,
                                                       WIDTH, HEIGHT))
        rows = [0] * HEIGHT
        for y in range(h):
            for x in range(w):
                bit = y * w + x
                if bits[bit // 8] & (0x80 >> (bit % 8)):
                    rows[top + y] |= 0x80 >> (xoff + x)
        return rows

    def cells(self):
        """The console's set: (code point, rows) for 0x20-0x7e, then the
        placeholder; every one must be in the font."""
        out = []
        for code in list(range(FIRST, LAST + 1)) + [PLACEHOLDER]:
            rows = self.glyph(code)
            if rows is None:
                raise FontError("%s has no glyph for U+%04X" % (self.path,
                                                                code))
            out.append((code, rows))
        return out


def c_source(font):
    cells = font.cells()
    out = ["/*",
           " * Generated by tools/mkfont.py from %s" % font.path,
           " * (%s): do not edit.  Each glyph is %d rows of an %d-pixel" % (
               font.name, HEIGHT, WIDTH),
           " * cell, bit 7 the leftmost pixel.",
           " */",
           "",
           '#include "font.h"',
           "",
           'const char font_name[] = "%s";' % font.name,
           "",
           "const uint8_t font_glyphs[FONT_NGLYPHS][FONT_HEIGHT] = {"]
    for code, rows in cells[:-1]:
        ch = chr(code)
        show = ch if ch not in "\\'" else "\\" + ch
        out.append("\t{ %s },\t/* '%s' */" % (
            ", ".join("0x%02x" % r for r in rows), show))
    out.append("};")
    out.append("")
    out.append("/* U+FFFD REPLACEMENT CHARACTER, for any other byte. */")
    out.append("const uint8_t font_placeholder[FONT_HEIGHT] = {")
    out.append("\t%s" % ", ".join("0x%02x" % r for r in cells[-1][1]))
    out.append("};")
    return "\n".join(out) + "\n"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else FONT
    try:
        sys.stdout.write(c_source(Font(path)))
    except FontError as e:
        sys.exit("mkfont: %s" % e)


if __name__ == "__main__":
    main()
