package http

import (
	"fmt"
	"html/template"
	"strings"
)

// svgPicture builds one SVG picture as text. The console's charts are
// drawn on the server, so that they read without JavaScript and print as
// they show; each is a pure function of its data, tested by golden files.
type svgPicture struct {
	b strings.Builder
}

// newSVG opens a picture of width by height, with a title that screen
// readers announce and that shows on hover.
func newSVG(width, height int, title string) *svgPicture {
	s := &svgPicture{}
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" font-family="sans-serif" font-size="12">`,
		width, height, width, height, esc(title))
	s.printf("\n<title>%s</title>\n", esc(title))
	return s
}

func (s *svgPicture) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// text writes a label at x, y; anchor is start, middle or end.
func (s *svgPicture) text(x, y float64, anchor, fill, label string) {
	s.printf(`<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%s</text>`+"\n", x, y, anchor, fill, esc(label))
}

// rect writes a box, with a tooltip naming what it stands for.
func (s *svgPicture) rect(x, y, w, h float64, fill, stroke, tip string) {
	s.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"><title>%s</title></rect>`+"\n", x, y, w, h, fill, stroke, esc(tip))
}

// line writes a straight line; dash is a stroke-dasharray, or "".
func (s *svgPicture) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	s.printf(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`+"\n", x1, y1, x2, y2, stroke, width, d)
}

// html closes the picture and returns it for a template: every text in
// it went through esc.
func (s *svgPicture) html() template.HTML {
	s.b.WriteString("</svg>\n")
	return template.HTML(s.b.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }
