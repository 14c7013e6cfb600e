// Command smtpbaseline sends a directory of .eml files to an SMTP server as
// fast as a plain client can, with no bookkeeping: the baseline that
// "leakdesk notify send" is measured against in bench/notify.sh. The files
// are read into memory before the clock starts.
//
//	smtpbaseline -addr 127.0.0.1:1025 -conns 4 DIR
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"sync"
	"time"
)

type message struct {
	from, to string
	raw      []byte
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "smtpbaseline:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:1025", "SMTP server")
	conns := flag.Int("conns", 4, "connections used at once")
	flag.Parse()
	if flag.NArg() != 1 {
		return fmt.Errorf("usage: smtpbaseline [-addr host:port] [-conns N] DIR")
	}
	files, err := filepath.Glob(filepath.Join(flag.Arg(0), "*.eml"))
	if err != nil {
		return err
	}
	msgs := make([]message, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		from, err1 := mail.ParseAddress(m.Header.Get("From"))
		to, err2 := mail.ParseAddress(m.Header.Get("To"))
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s: bad From or To", f)
		}
		msgs = append(msgs, message{from.Address, to.Address, raw})
	}
	start := time.Now()
	work := make(chan message)
	errs := make(chan error, *conns)
	var wg sync.WaitGroup
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- send(*addr, work)
		}()
	}
	for _, m := range msgs {
		work <- m
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	elapsed := time.Since(start).Seconds()
	fmt.Printf("%d messages in %.2fs: %.0f messages/s over %d connections\n", len(msgs), elapsed, float64(len(msgs))/elapsed, *conns)
	return nil
}

func send(addr string, work <-chan message) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Quit()
	for m := range work {
		if err := c.Mail(m.from); err != nil {
			return err
		}
		if err := c.Rcpt(m.to); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write(m.raw); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	return nil
}
