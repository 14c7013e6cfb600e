package notify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Report is what a delivery status notification (RFC 3464) says of one
// recipient of one of our messages.
type Report struct {
	MessageID string // of the message reported on, with angle brackets
	Recipient string // Final-Recipient
	// OriginalRecipient is the address as the sender gave it, when a relay
	// forwarded the message to Recipient.
	OriginalRecipient string
	Action            string // failed, delayed, delivered, relayed, expanded
	Status            string // 5.1.1
	Diagnostic        string
}

// State is the delivery state the report establishes, or "" for reports
// that change nothing (delayed: the server is still trying).
func (r *Report) State() string {
	switch r.Action {
	case "failed":
		return leakdesk.DeliveryBounced
	case "delivered", "relayed", "expanded":
		return leakdesk.DeliveryDone
	}
	return ""
}

// Recipients are the addresses the report names, for checking that it is
// about the delivery it claims to be: the final one, and the original one
// when a relay forwarded the message.
func (r *Report) Recipients() []string {
	if r.OriginalRecipient == "" {
		return []string{r.Recipient}
	}
	return []string{r.Recipient, r.OriginalRecipient}
}

// Detail says in one line what the report said.
func (r *Report) Detail() string {
	s := r.Action + " " + r.Status
	if r.Diagnostic != "" {
		s += ": " + r.Diagnostic
	}
	return s
}

// maxReportSize bounds what is read of one message: delivery reports are
// small, and a mailbox may hold anything.
const maxReportSize = 10 << 20

// ReadReport reads one e-mail message and returns the delivery reports it
// holds. A message that is not a delivery report returns none and no error:
// a bounce mailbox also holds replies and spam.
func ReadReport(r io.Reader) ([]Report, error) {
	msg, err := mail.ReadMessage(io.LimitReader(r, maxReportSize))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "not an e-mail message: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/report" || !strings.EqualFold(params["report-type"], "delivery-status") {
		return nil, nil
	}
	var status []byte
	var originalID string
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery report: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body, err := io.ReadAll(io.LimitReader(part, maxReportSize))
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery report: %v", err)
		}
		switch ct {
		case "message/delivery-status", "message/global-delivery-status":
			status = body
		case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
			// The returned message, or its headers, names our Message-ID.
			if h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(body))).ReadMIMEHeader(); err == nil || len(h) > 0 {
				originalID = strings.TrimSpace(h.Get("Message-Id"))
			}
		}
	}
	if status == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery report has no message/delivery-status part")
	}
	return parseDeliveryStatus(status, originalID)
}

// parseDeliveryStatus reads the per-message block, then one block per
// recipient, each a set of header fields separated by blank lines.
func parseDeliveryStatus(body []byte, originalID string) ([]Report, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(body)))
	perMessage, err := tp.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery status: %v", err)
	}
	// Some servers name the message in the status itself.
	if id := perMessage.Get("X-Original-Message-Id"); originalID == "" && id != "" {
		originalID = strings.TrimSpace(id)
	}
	var out []Report
	for {
		h, err := tp.ReadMIMEHeader()
		if len(h) > 0 {
			out = append(out, Report{
				MessageID:         originalID,
				Recipient:         addressOf(h.Get("Final-Recipient")),
				OriginalRecipient: addressOf(h.Get("Original-Recipient")),
				Action:            strings.ToLower(strings.TrimSpace(h.Get("Action"))),
				Status:            strings.TrimSpace(h.Get("Status")),
				Diagnostic:        strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h.Get("Diagnostic-Code")), "smtp;")),
			})
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery status: %v", err)
		}
	}
	if originalID == "" && len(out) > 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "delivery report does not name the message it reports on (no returned headers)")
	}
	return out, nil
}

// addressOf reads "rfc822; someone@example.org".
func addressOf(field string) string {
	if _, addr, ok := strings.Cut(field, ";"); ok {
		return strings.ToLower(strings.TrimSpace(addr))
	}
	return strings.ToLower(strings.TrimSpace(field))
}

// SplitMbox calls fn with each message of an mbox file (lines starting
// "From " separate messages; ">From " quoting is undone).
func SplitMbox(r io.Reader, fn func(msg []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxReportSize)
	var msg bytes.Buffer
	started := false
	flush := func() error {
		if !started {
			return nil
		}
		err := fn(bytes.Clone(msg.Bytes()))
		msg.Reset()
		return err
	}
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasPrefix(line, []byte("From ")) {
			if err := flush(); err != nil {
				return err
			}
			started = true
			continue
		}
		if !started {
			return leakdesk.Errorf(leakdesk.EINVALID, "not an mbox file: it does not start with a \"From \" line")
		}
		if bytes.HasPrefix(line, []byte(">From ")) {
			line = line[1:]
		}
		msg.Write(line)
		msg.WriteString("\r\n")
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read mbox: %w", err)
	}
	return flush()
}
