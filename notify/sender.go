package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/leakdesk/leakdesk"
)

// A Sender hands messages to a mail system, one at a time, over one
// connection that it keeps between messages.
type Sender interface {
	// Send hands m over. Once m is written out in full, and before the mail
	// system is told to keep it (the final dot of SMTP's DATA, the rename of
	// an outbox file), Send calls ready, if not nil, and abandons m if ready
	// fails. That lets the previous message's outcome be committed while
	// this one is on the wire, and still no more than one message per
	// connection is ever kept by the mail system with its outcome
	// unrecorded.
	Send(ctx context.Context, m *Message, ready func() error) error
	Close() error
}

// A Dialer makes Senders, one per connection, and checks before a campaign
// that the mail system can be reached at all.
type Dialer interface {
	Dial(ctx context.Context) (Sender, error)
	Check(ctx context.Context) error
	String() string // for people, with no secret in it
}

// SendError is a failure to send one message. A permanent one will fail
// again however often it is retried: the server refused the address or
// the message (5xx). Anything else, a 4xx reply or a lost connection, is
// worth retrying later.
type SendError struct {
	Permanent bool
	Err       error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err will not go away by retrying.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// SMTPConfig says how to reach an SMTP server. It is read from a URL:
//
//	smtp://[user[:password]@]host[:port][?tls=opportunistic|required|none][&rate=N][&timeout=15s][&helo=NAME][&ca=FILE]
//	smtps://... for TLS from the first byte (port 465)
//
// rate caps messages per second over all connections; ca names a PEM file
// of the authorities that sign the server's certificate, for a relay with
// a private one. tls defaults to required, since notices name what leaked
// about a person and must not cross the network in clear because a
// man in the middle removed STARTTLS from the greeting; only a loopback
// host (127.0.0.0/8, ::1, localhost), a local relay or a test server,
// keeps opportunistic by default.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // implicit, required, opportunistic or none
	Rate     float64
	Timeout  time.Duration
	HELO     string
	CA       string // PEM file of trusted authorities; empty for the system's
}

// ParseSMTPURL reads an SMTPConfig from rawURL.
func ParseSMTPURL(rawURL string) (*SMTPConfig, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP URL %q: want smtp://[user:password@]host[:port]", redact(rawURL))
	}
	c := &SMTPConfig{Host: u.Hostname(), Timeout: 15 * time.Second, TLS: "required", Port: 25}
	if isLoopback(c.Host) {
		c.TLS = "opportunistic"
	}
	if strings.ContainsAny(c.Host, " /\\") {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP host %q is not a host name", c.Host)
	}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.TLS, c.Port = "implicit", 465
	default:
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP port %q is not a port number", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	if v := q.Get("tls"); v != "" {
		switch v {
		case "required", "opportunistic", "none":
			if c.TLS != "implicit" {
				c.TLS = v
			}
		default:
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP tls=%q: want required, opportunistic or none", v)
		}
	}
	if v := q.Get("rate"); v != "" {
		if c.Rate, err = strconv.ParseFloat(v, 64); err != nil || c.Rate <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP rate=%q: want messages per second, above 0", v)
		}
	}
	if v := q.Get("timeout"); v != "" {
		if c.Timeout, err = time.ParseDuration(v); err != nil || c.Timeout <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP timeout=%q: want a duration such as 15s", v)
		}
	}
	c.HELO, c.CA = q.Get("helo"), q.Get("ca")
	return c, nil
}

// isLoopback reports whether host names this machine: traffic to it never
// crosses a network that someone else could tamper with.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redact hides whatever may be a password in a URL that is being refused:
// everything before the last "@".
func redact(rawURL string) string {
	if at := strings.LastIndexByte(rawURL, '@'); at >= 0 {
		return "(credentials hidden)" + rawURL[at:]
	}
	return rawURL
}

// SMTPDialer makes SMTP connections with go-mail.
type SMTPDialer struct {
	cfg     *SMTPConfig
	limiter *limiter
}

// NewSMTPDialer returns a dialer for cfg.
func NewSMTPDialer(cfg *SMTPConfig) *SMTPDialer {
	return &SMTPDialer{cfg: cfg, limiter: newLimiter(cfg.Rate)}
}

func (d *SMTPDialer) String() string {
	return fmt.Sprintf("smtp://%s (tls %s)", net.JoinHostPort(d.cfg.Host, strconv.Itoa(d.cfg.Port)), d.cfg.TLS)
}

func (d *SMTPDialer) client() (*mail.Client, error) {
	// The client only dials: greeting, TLS and login. Each message is then
	// one mail transaction of smtpSender.transfer, without the NOOP and RSET
	// that go-mail's Send adds around it at a round trip each.
	opts := []mail.Option{mail.WithPort(d.cfg.Port), mail.WithTimeout(d.cfg.Timeout)}
	switch d.cfg.TLS {
	case "implicit":
		opts = append(opts, mail.WithSSL())
	case "required":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if d.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(d.cfg.Username), mail.WithPassword(d.cfg.Password))
	}
	if d.cfg.HELO != "" {
		opts = append(opts, mail.WithHELO(d.cfg.HELO))
	}
	if d.cfg.CA != "" {
		pem, err := os.ReadFile(d.cfg.CA)
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP ca=%s: %v", d.cfg.CA, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP ca=%s holds no PEM certificate", d.cfg.CA)
		}
		opts = append(opts, mail.WithTLSConfig(&tls.Config{ServerName: d.cfg.Host, RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	c, err := mail.NewClient(d.cfg.Host, opts...)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "SMTP settings: %v", err)
	}
	return c, nil
}

// Check connects once and says goodbye, so that a campaign does not start
// against a server it cannot reach or log in to.
func (d *SMTPDialer) Check(ctx context.Context) error {
	c, err := d.client()
	if err != nil {
		return err
	}
	if err := c.DialWithContext(ctx); err != nil {
		if isAuthFailure(err) {
			return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the SMTP server %s refused the login of %q: %v", d, d.cfg.Username, err)
		}
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot reach the SMTP server %s: %v", d, err)
	}
	return c.Close()
}

func (d *SMTPDialer) Dial(ctx context.Context) (Sender, error) {
	c, err := d.client()
	if err != nil {
		return nil, err
	}
	return &smtpSender{d: d, c: c}, nil
}

// smtpSender keeps one connection open between messages and dials again
// after any failure, since the connection's state is then unknown.
type smtpSender struct {
	d    *SMTPDialer
	c    *mail.Client
	conn *smtp.Client // nil until dialled, and after a failure
}

func (s *smtpSender) untilTurn() time.Duration { return s.d.limiter.untilNext() }

func (s *smtpSender) Send(ctx context.Context, m *Message, ready func() error) error {
	raw, err := m.Bytes()
	if err != nil {
		return &SendError{Permanent: true, Err: err}
	}
	if err := s.d.limiter.wait(ctx); err != nil {
		return err
	}
	if s.conn == nil {
		conn, err := s.c.DialToSMTPClientWithContext(ctx)
		if err != nil {
			return &SendError{Err: fmt.Errorf("connect to %s: %w", s.d, err)}
		}
		s.conn = conn
	}
	if err := s.transfer(m, raw, ready); err != nil {
		s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}

// transfer is one SMTP mail transaction. It is written here rather than
// left to go-mail's Send so that ready can be waited for between the
// message's last byte and the dot that ends it: a server that never sees
// the dot discards the message (RFC 5321, 4.1.1.4).
func (s *smtpSender) transfer(m *Message, raw []byte, ready func() error) error {
	if err := s.conn.UpdateDeadline(s.d.cfg.Timeout); err != nil {
		return &SendError{Err: err}
	}
	if err := s.conn.Mail("<" + m.From.Address + ">"); err != nil {
		return classify(err)
	}
	if err := s.conn.Rcpt("<" + m.To + ">"); err != nil {
		return classify(err)
	}
	w, err := s.conn.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(raw); err != nil {
		return classify(err)
	}
	if ready != nil {
		if err := ready(); err != nil {
			return err
		}
		if err := s.conn.UpdateDeadline(s.d.cfg.Timeout); err != nil {
			return &SendError{Err: err}
		}
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return nil
}

// isAuthFailure reports a refused login: a 530, 534 or 535 reply to AUTH,
// or an authentication error from the client. The reply code is read from
// the reply, not found in the text: "535" is also in port 42535.
func isAuthFailure(err error) bool {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code == 530 || reply.Code == 534 || reply.Code == 535
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "authentication fail") || strings.Contains(msg, "auth failed")
}

// classify reads an SMTP failure: a 5xx reply is permanent, and everything
// else (4xx, a dropped connection, a timeout) is temporary.
func classify(err error) error {
	var reply *textproto.Error
	permanent := errors.As(err, &reply) && reply.Code >= 500 && reply.Code < 600
	return &SendError{Permanent: permanent, Err: err}
}

func (s *smtpSender) Close() error {
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	return s.c.CloseWithSMTPClient(conn)
}

// limiter spaces messages to at most rate per second, across connections.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

// untilNext says how long a message would wait if it asked for its slot
// now.
func (l *limiter) untilNext() time.Duration {
	if l.interval == 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(time.Until(l.next), 0)
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// OutboxDialer writes each message as an .eml file in a directory instead
// of sending it: the default when no SMTP server is configured, and a way
// to hand notices to another mail system.
type OutboxDialer struct{ Dir string }

func (o *OutboxDialer) String() string { return "outbox " + o.Dir }

func (o *OutboxDialer) Check(ctx context.Context) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "outbox directory: %v", err)
	}
	f, err := os.CreateTemp(o.Dir, ".check-*")
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "outbox directory %s is not writable: %v", o.Dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func (o *OutboxDialer) Dial(ctx context.Context) (Sender, error) { return o, nil }

// Send writes the message under a name derived from its Message-ID, through
// a synced temporary file renamed into place: a resent message replaces
// its first copy, so the outbox holds exactly one file per delivery.
func (o *OutboxDialer) Send(ctx context.Context, m *Message, ready func() error) error {
	raw, err := m.Bytes()
	if err != nil {
		return &SendError{Permanent: true, Err: err}
	}
	sum := sha256.Sum256([]byte(m.ID))
	name := filepath.Join(o.Dir, m.Incident+"-n"+strconv.FormatInt(m.Notice, 10)+"-"+hex.EncodeToString(sum[:8])+".eml")
	f, err := os.CreateTemp(o.Dir, ".partial-*")
	if err != nil {
		return &SendError{Err: fmt.Errorf("outbox: %w", err)}
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return &SendError{Err: fmt.Errorf("outbox: write %s: %w", name, err)}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return &SendError{Err: fmt.Errorf("outbox: sync %s: %w", name, err)}
	}
	if err := f.Close(); err != nil {
		return &SendError{Err: fmt.Errorf("outbox: %w", err)}
	}
	if ready != nil {
		if err := ready(); err != nil {
			return err
		}
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return &SendError{Err: fmt.Errorf("outbox: %w", err)}
	}
	return nil
}

func (o *OutboxDialer) Close() error { return nil }
