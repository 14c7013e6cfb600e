package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// ReportsResult is what reading delivery reports found: what "notify
// reports" prints.
type ReportsResult struct {
	Files     int      `json:"files"`
	Reports   int      `json:"reports"`
	Bounced   int      `json:"bounced"`
	Delivered int      `json:"delivered"`
	Unknown   []string `json:"unknown"` // reports on messages leakdesk did not send
	// Refused are reports on our messages that name another recipient than
	// the delivery's: forged or misrouted, they change nothing.
	Refused []string `json:"refused"`
	Skipped []string `json:"skipped"` // files that are not delivery reports
}

// ReadReports reads delivery status notifications (RFC 3464) from each
// path, a message file, an mbox file or a directory tree of messages, and
// records what they say of the deliveries they are about.
func (c *Campaigns) ReadReports(ctx context.Context, paths ...string) (*ReportsResult, error) {
	res := &ReportsResult{Unknown: []string{}, Refused: []string{}, Skipped: []string{}}
	for _, path := range paths {
		err := readMessages(path, func(name string, msg []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			res.Files++
			return c.recordReports(ctx, res, name, msg)
		})
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// ReadReportsFrom reads delivery status notifications from r, one message
// or an mbox file, uploaded under name, and records what they say as
// ReadReports does. At most limit bytes are read: a longer upload is
// refused whole, and nothing is recorded.
func (c *Campaigns) ReadReportsFrom(ctx context.Context, name string, r io.Reader, limit int64) (*ReportsResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s cannot be read: %v", name, err)
	}
	if int64(len(data)) > limit {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is larger than %d bytes: send the messages in several uploads", name, limit)
	}
	if len(data) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is empty: send a delivery report, or an mbox file of them", name)
	}
	res := &ReportsResult{Unknown: []string{}, Refused: []string{}, Skipped: []string{}}
	record := func(name string, msg []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		res.Files++
		return c.recordReports(ctx, res, name, msg)
	}
	if bytes.HasPrefix(data, []byte("From ")) {
		n := 0
		err = SplitMbox(bytes.NewReader(data), func(msg []byte) error {
			n++
			return record(fmt.Sprintf("%s#%d", name, n), msg)
		})
	} else {
		err = record(name, data)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// recordReports records the delivery reports in msg, the message called
// name, counting them in res.
func (c *Campaigns) recordReports(ctx context.Context, res *ReportsResult, name string, msg []byte) error {
	reports, err := ReadReport(bytes.NewReader(msg))
	if err != nil || len(reports) == 0 {
		res.Skipped = append(res.Skipped, name)
		return nil
	}
	for _, r := range reports {
		state := r.State()
		if state == "" {
			continue
		}
		res.Reports++
		if _, err := c.deps.Notices.ReportDelivery(ctx, r.MessageID, r.Recipients(), state, r.Detail()); err != nil {
			switch leakdesk.ErrorCode(err) {
			case leakdesk.ENOTFOUND:
				res.Unknown = append(res.Unknown, r.MessageID)
				continue
			case leakdesk.ECONFLICT:
				res.Refused = append(res.Refused, name+": "+leakdesk.ErrorMessage(err))
				continue
			}
			return err
		}
		if state == leakdesk.DeliveryBounced {
			res.Bounced++
		} else {
			res.Delivered++
		}
	}
	return nil
}

// readMessages calls fn with every message under path: a directory tree of
// message files, an mbox file, or one message file.
func readMessages(path string, fn func(name string, msg []byte) error) error {
	info, err := os.Stat(path)
	if err != nil {
		return leakdesk.Errorf(leakdesk.ENOTFOUND, "%v", err)
	}
	if info.IsDir() {
		return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			return readMessages(p, fn)
		})
	}
	if info.Size() > 64<<20 && !isMbox(path) {
		return fn(path, nil) // too big to be a report: listed as skipped
	}
	if isMbox(path) {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		n := 0
		return SplitMbox(f, func(msg []byte) error {
			n++
			return fn(fmt.Sprintf("%s#%d", path, n), msg)
		})
	}
	msg, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return fn(path, msg)
}

// isMbox reports whether the file starts with an mbox "From " line.
func isMbox(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [5]byte
	n, _ := f.Read(head[:])
	return string(head[:n]) == "From "
}
