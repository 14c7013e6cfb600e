package decoy

import (
	"bytes"
	"context"
	"io"
	"log/slog"

	"github.com/emersion/go-smtp"

	"github.com/leakdesk/leakdesk"
)

// maxMessage bounds a message kept as evidence.
const maxMessage = 10 << 20

// NewSMTPServer returns a server that takes mail for the decoys only: a
// RCPT for any other address is refused with 550, so the server relays
// nothing and confirms no real address. Each message received raises an
// alarm. Serve it with ListenAndServe or Serve; Close it at the end.
func NewSMTPServer(ctx context.Context, addr, domain string, decoys *Addresses, alarms *Alarms, log *slog.Logger) *smtp.Server {
	s := smtp.NewServer(&backend{ctx: ctx, decoys: decoys, alarms: alarms, log: log})
	s.Addr, s.Domain = addr, domain
	s.MaxMessageBytes, s.MaxRecipients = maxMessage, 50
	return s
}

type backend struct {
	ctx    context.Context
	decoys *Addresses
	alarms *Alarms
	log    *slog.Logger
}

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b    *backend
	rcpt []string
}

func (s *session) Reset()        { s.rcpt = nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !s.b.decoys.Email(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	s.rcpt = append(s.rcpt, to)
	return nil
}

// Data keeps the message as evidence and raises the alarm before it
// accepts the message: a sender told 250 was heard.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxMessage))
	if err != nil {
		return err
	}
	if _, err := s.b.alarms.Raise(s.b.ctx, leakdesk.AlarmByMail, s.rcpt, bytes.NewReader(raw)); err != nil {
		s.b.log.Error("decoy alarm not raised", "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
