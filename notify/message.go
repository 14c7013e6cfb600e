package notify

import (
	"bytes"
	"context"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wneessen/go-mail"

	"github.com/leakdesk/leakdesk"
)

// Message is one notice for one recipient, ready for a Sender.
type Message struct {
	ID string // the Message-ID, with its angle brackets, the same on every attempt
	// Key names the delivery for good (incident, notice, recipient), for
	// relays and mail systems that deduplicate on a key of their own.
	Key      string
	From     From
	To       string
	ToName   string
	Lang     string
	Incident string
	Notice   int64
	Date     time.Time
	*Rendered

	raw []byte // the encoded message, once Bytes has made it
}

// Bytes is the message as it goes on the wire, encoded on first use.
func (m *Message) Bytes() ([]byte, error) {
	if m.raw != nil {
		return m.raw, nil
	}
	msg, err := m.Mail()
	if err != nil {
		return nil, err
	}
	// Room for both parts, quoted-printable, and the headers: growing the
	// buffer as it fills cost more than encoding it.
	b := bytes.NewBuffer(make([]byte, 0, (len(m.Text)+len(m.HTML))*5/4+2048))
	if _, err := msg.WriteTo(b); err != nil {
		return nil, fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	m.raw = b.Bytes()
	return m.raw, nil
}

// Mail builds the MIME message: text and HTML alternatives, and headers
// that let mail systems and people recognise it.
func (m *Message) Mail() (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8))
	from, err := headerAddress(m.From.Name, m.From.Address)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "sender address %q: %v", m.From.Address, err)
	}
	msg.FromMailAddress(from)
	to, err := headerAddress(m.ToName, m.To)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipient address %q: %v", m.To, err)
	}
	msg.AddToMailAddress(to)
	msg.SetMessageIDWithValue(strings.Trim(m.ID, "<>"))
	msg.SetDateWithValue(m.Date)
	msg.Subject(m.Subject)
	msg.SetGenHeader("Content-Language", m.Lang)
	// A notice is sent by a machine: out-of-office replies should not
	// answer it (RFC 3834), and its origin is traceable.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	msg.SetGenHeader("X-Leakdesk-Incident", m.Incident)
	msg.SetGenHeader("X-Leakdesk-Notice", strconv.FormatInt(m.Notice, 10))
	msg.SetGenHeader("X-Idempotency-Key", m.Key)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

// headerAddress checks the address alone and adds the display name as
// data, never as text to be parsed: go-mail's *Format functions write
// `"name" <addr>` and parse it again, which refuses a name with an
// unmatched quote or a backslash, and so a person with such a name in the
// registry was never e-mailed. net/mail quotes, escapes or encodes
// (RFC 2047) the name as it needs; control characters, which no header
// may carry and which no one types in a name, are dropped (tabs and line
// breaks become spaces).
func headerAddress(name, addr string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return nil, err
	}
	if a.Name != "" || strings.ContainsAny(addr, "<>") {
		return nil, fmt.Errorf("want a bare address, without a name or angle brackets")
	}
	return &netmail.Address{Name: displayName(name), Address: a.Address}, nil
}

// displayName is name without control characters or invalid UTF-8, its
// runs of white space made one space.
func displayName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	return strings.Join(strings.Fields(name), " ")
}

// Composer turns a claimed delivery into its message: the notice's
// template, in the recipient's language, filled with the incident's facts.
type Composer struct {
	Templates *Templates
	From      From
	Tokens    *Tokens
	BaseURL   string // where "leakdesk serve" answers acknowledgement links and portal links
	Portal    leakdesk.PortalService
	Incidents leakdesk.IncidentService
	Notices   leakdesk.NoticeService
	Now       func() time.Time

	mu    sync.Mutex
	cache map[int64]*incidentContext
}

// incidentContext is what every message of an incident shares, read once.
type incidentContext struct {
	ref     string
	facts   map[string]string
	notices []*leakdesk.Notice
}

func (c *Composer) incident(ctx context.Context, id int64, noticeID int64) (*incidentContext, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ic := c.cache[id]; ic != nil && ic.has(noticeID) {
		return ic, nil
	}
	inc, err := c.Incidents.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := c.Incidents.FindEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	notices, err := c.Notices.Notices(ctx, id)
	if err != nil {
		return nil, err
	}
	ic := &incidentContext{ref: inc.PublicID(), facts: leakdesk.Facts(events), notices: notices}
	if c.cache == nil {
		c.cache = map[int64]*incidentContext{}
	}
	c.cache[id] = ic
	return ic, nil
}

// forget drops what was read of an incident, so that the next message
// reads its facts and notices again.
func (c *Composer) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cache, id)
}

func (ic *incidentContext) has(noticeID int64) bool {
	for _, n := range ic.notices {
		if n.ID == noticeID {
			return true
		}
	}
	return false
}

// updateNumber counts the updates up to and including n.
func (ic *incidentContext) updateNumber(n *leakdesk.Notice) int {
	k := 0
	for _, prev := range ic.notices {
		if prev.Kind == leakdesk.NoticeUpdate && prev.ID <= n.ID {
			k++
		}
	}
	return k
}

// Data assembles what the template sees for a recipient of notice n.
func (c *Composer) Data(ctx context.Context, n *leakdesk.Notice, r *leakdesk.Recipient) (*Data, []string, error) {
	ic, err := c.incident(ctx, n.IncidentID, n.ID)
	if err != nil {
		return nil, nil, err
	}
	lang := r.Language
	facts, missing := FactsFor(ic.facts, lang)
	d := &Data{
		Recipient: r, Incident: ic.ref, Exposed: ExposedLabels(r.Fields, lang), Rows: len(r.Rows),
		Sender: c.From, Facts: facts, Update: n.Text(lang), UpdateNumber: ic.updateNumber(n),
	}
	// Recipients know the organisation by its name, not by the display
	// name of a mailbox: the controller fact wins when it is recorded.
	if name := CompanyName(ic.facts, lang); name != "" {
		d.Sender.Name = name
	}
	if c.Tokens != nil {
		d.AckURL = strings.TrimRight(c.BaseURL, "/") + "/ack/" + c.Tokens.Sign(n.IncidentID, r.ID, n.ID)
	}
	return d, missing, nil
}

// Compose renders the claimed delivery's message.
func (c *Composer) Compose(ctx context.Context, claim *leakdesk.Claim) (*Message, error) {
	n, r := claim.Notice, claim.Recipient
	d, missing, err := c.Data(ctx, n, r)
	if err != nil {
		return nil, err
	}
	// An answer only answers: it needs none of a notice's facts.
	if len(missing) > 0 && n.Kind != leakdesk.NoticeAnswer {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "facts missing for a notice in %s: %s", r.Language, strings.Join(missing, ", "))
	}
	if d.PortalURL, err = c.portalURL(ctx, n.IncidentID, r.OrgID); err != nil {
		return nil, err
	}
	rendered, err := c.Templates.Render(n.Template, r.Language, d)
	if err != nil {
		return nil, err
	}
	m := &Message{
		ID: claim.Delivery.MessageID, Key: fmt.Sprintf("%s/n%d/%s", d.Incident, n.ID, r.Key),
		From: c.From, To: claim.Delivery.Address, ToName: r.Name, Lang: r.Language,
		Incident: d.Incident, Notice: n.ID, Date: c.now(), Rendered: rendered,
	}
	// Encoded here, beside the message before it on the wire, rather than
	// in its own turn on the connection.
	if _, err := m.Bytes(); err != nil {
		return nil, err
	}
	return m, nil
}

// portalURL is the private link to the organisation's portal page, read
// again for every message rather than kept, so that a link withdrawn in
// the console is never sent afterwards. It is derived, not drawn: a
// message sent again carries the same link as long as the link lives.
// Empty when there is nothing to link to.
func (c *Composer) portalURL(ctx context.Context, incidentID int64, orgID string) (string, error) {
	if c.Portal == nil || c.BaseURL == "" || orgID == "" {
		return "", nil
	}
	_, secret, err := c.Portal.LivePortalLink(ctx, incidentID, orgID)
	switch {
	case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
		return "", nil
	case err != nil:
		return "", err
	}
	return PortalURL(c.BaseURL, secret), nil
}

// PortalURL is the address of the portal page a secret opens.
func PortalURL(baseURL, secret string) string {
	return strings.TrimRight(baseURL, "/") + "/portal/" + secret
}

func (c *Composer) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// String describes m for logs, without its content.
func (m *Message) String() string { return fmt.Sprintf("%s to %s", m.ID, m.To) }
