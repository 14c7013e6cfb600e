package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress wraps r so that reading it draws a progress line on stderr when
// stderr is a terminal and the work is large enough to wait for.
func (a *app) progress(label string, r io.Reader, total int64) io.Reader {
	f, ok := a.stderr.(*os.File)
	if !ok || total < 32<<20 {
		return r
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return r
	}
	return &progressReader{r: r, w: f, label: label, total: total}
}

type progressReader struct {
	r     io.Reader
	w     io.Writer
	label string
	total int64
	done  int64
	last  time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if now := time.Now(); now.Sub(p.last) > 200*time.Millisecond || err != nil {
		p.last = now
		fmt.Fprintf(p.w, "\r%s: %s of %s (%d%%)", p.label, showBytes(p.done), showBytes(p.total), p.done*100/max(p.total, 1))
		if err != nil {
			fmt.Fprintln(p.w)
		}
	}
	return n, err
}

// terminal returns stderr when it is a terminal, for progress lines.
func (a *app) terminal() (io.Writer, bool) {
	f, ok := a.stderr.(*os.File)
	if !ok {
		return nil, false
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil, false
	}
	return f, true
}
