#!/usr/bin/env python3
"""Renders a terminal screen captured with `tmux capture-pane -e -p` (text with SGR colour
escapes) to a PNG, through an HTML page and headless Chromium. Used to make the Neovim and Helix
screenshots in editors/*/images/ from the end-to-end runs.

Usage: term2png.py SCREEN.ansi OUT.png [COLUMNS ROWS]
"""
import html
import os
import re
import subprocess
import sys
import tempfile

BASE16 = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
          "#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea"]
FG, BG = "#c5c8c6", "#1d1f21"


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


def apply_sgr(params, st):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            st.update(fg=None, bg=None, bold=False, italic=False, underline=False, reverse=False)
        elif c == 1:
            st["bold"] = True
        elif c == 3:
            st["italic"] = True
        elif c == 4:
            st["underline"] = True
        elif c == 7:
            st["reverse"] = True
        elif c == 22:
            st["bold"] = False
        elif c == 23:
            st["italic"] = False
        elif c == 24:
            st["underline"] = False
        elif c == 27:
            st["reverse"] = False
        elif 30 <= c <= 37:
            st["fg"] = BASE16[c - 30]
        elif 90 <= c <= 97:
            st["fg"] = BASE16[c - 90 + 8]
        elif 40 <= c <= 47:
            st["bg"] = BASE16[c - 40]
        elif 100 <= c <= 107:
            st["bg"] = BASE16[c - 100 + 8]
        elif c == 39:
            st["fg"] = None
        elif c == 49:
            st["bg"] = None
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                st[key] = xterm256(codes[i + 2])
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                st[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                i += 4
        i += 1


def to_html(text):
    st = dict(fg=None, bg=None, bold=False, italic=False, underline=False, reverse=False)
    out = []
    for line in text.split("\n"):
        parts = re.split(r"\x1b\[([0-9;]*)m", line)
        row = []
        for k, chunk in enumerate(parts):
            if k % 2 == 1:
                apply_sgr(chunk, st)
                continue
            chunk = re.sub(r"\x1b[^a-zA-Z]*[a-zA-Z]", "", chunk)
            if not chunk:
                continue
            fg, bg = st["fg"] or FG, st["bg"] or BG
            if st["reverse"]:
                fg, bg = bg, fg
            style = f"color:{fg};background:{bg}"
            if st["bold"]:
                style += ";font-weight:bold"
            if st["italic"]:
                style += ";font-style:italic"
            if st["underline"]:
                style += ";text-decoration:underline"
            row.append(f'<span style="{style}">{html.escape(chunk)}</span>')
        out.append("".join(row))
    return "\n".join(out)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    with open(src, encoding="utf-8", errors="replace") as f:
        body = to_html(f.read().rstrip("\n"))
    char_w, line_h = 8.4, 17
    width, height = int(cols * char_w) + 24, rows * line_h + 24
    page = f"""<!doctype html><meta charset="utf-8"><style>
html,body{{margin:0;background:{BG}}}
pre{{margin:12px;font:14px/{line_h}px 'DejaVu Sans Mono',monospace;color:{FG};white-space:pre}}
</style><pre>{body}</pre>"""
    with tempfile.TemporaryDirectory() as tmp:
        page_path = os.path.join(tmp, "screen.html")
        with open(page_path, "w", encoding="utf-8") as f:
            f.write(page)
        subprocess.run([os.environ.get("CHROMIUM", "/usr/bin/chromium"), "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={os.path.abspath(dst)}",
                        "file://" + page_path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


if __name__ == "__main__":
    main()
