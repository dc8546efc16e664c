"""Fail if any built documentation page scrolls sideways in a browser.

    python tools/check_pages.py [--browser PATH] [--widths 1280,390] HTML_DIR

Each page is loaded from disk at each width (a 900 px tall viewport) and
passes when the document is no wider than the viewport (its scrollWidth)
and no content reaches past the viewport's edge unseen: a wide table or
code block must scroll inside its own box. Prints one line per page with
the widths it rendered at, then any page that failed and what overflowed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

# The outermost elements that reach past the viewport's right edge and are
# neither inside a box that scrolls sideways (a wide table's or a code
# block's, which is how they should fit) nor inside a fixed-position drawer
# (the theme's off-canvas menus, which slide in on demand). A page whose
# document is no wider than the viewport but has such an element hides
# that content: it fails as well as one that scrolls sideways.
STICKING_OUT = """
() => {
  const limit = document.documentElement.clientWidth;
  const exempt = el => {
    for (let box = el; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.position === 'fixed') return true;
      if (box !== el && (style.overflowX === 'auto' ||
                         style.overflowX === 'scroll')) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 1 && !exempt(el) &&
        !found.some(outer => outer.contains(el))) {
      found.push(el);
    }
  }
  return found.slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
    ' right=' + Math.round(el.getBoundingClientRect().right));
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--browser", default="/usr/bin/chromium")
    parser.add_argument("--widths", default="1280,390")
    args = parser.parse_args()
    widths = [int(width) for width in args.widths.split(",")]
    pages = sorted(path for path in args.html.rglob("*.html")
                   if not path.relative_to(args.html).parts[0].startswith("_"))
    failures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.browser,
                                             args=["--no-sandbox"])
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in pages:
                page.goto(path.as_uri())
                scroll, inner = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]")
                name = path.relative_to(args.html).as_posix()
                sticking_out = page.evaluate(STICKING_OUT)
                verdict = ("SCROLLS SIDEWAYS" if scroll > inner else
                           "CONTENT PAST THE EDGE" if sticking_out else "ok")
                print("%-34s at %4d px: document %4d px wide  %s"
                      % (name, width, scroll, verdict))
                if verdict != "ok":
                    failures.append((name, width, sticking_out))
            page.close()
        browser.close()
    for name, width, wide in failures:
        print("check_pages: %s does not fit %d px: %s"
              % (name, width, "; ".join(wide)), file=sys.stderr)
    print("check_pages: %d page(s) x %d width(s), %d failure(s)"
          % (len(pages), len(widths), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
