package http

import (
	"net/http"
	"os"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
)

// TestDeliveryReportsUpload: one message or an mbox of them is read as
// "notify reports" reads files; a report on a message leakdesk did not
// send is listed as such and changes nothing; an empty body is refused.
func TestDeliveryReportsUpload(t *testing.T) {
	bounce, err := os.ReadFile("../notify/testdata/bounce.eml")
	if err != nil {
		t.Fatal(err)
	}
	reply, err := os.ReadFile("../notify/testdata/reply.eml")
	if err != nil {
		t.Fatal(err)
	}
	mbox := "From MAILER-DAEMON Fri Nov 27 10:00:00 2026\n" + string(bounce) + "\nFrom someone Fri Nov 27 10:01:00 2026\n" + string(reply) + "\n"
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		comms := f.caller("cam", leakdesk.RoleCommunications)
		viewer := f.caller("val", leakdesk.RoleViewer)
		before := f.snapshot()

		w := f.do(http.MethodPost, "/api/v1/delivery-reports?name=bounce.eml", string(bounce), comms)
		res := decodeBody[notify.ReportsResult](t, w.Body.String())
		if w.Code != http.StatusOK || res.Files != 1 || res.Reports != 1 || len(res.Unknown) != 1 || res.Bounced != 0 {
			t.Fatalf("one bounce: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodPost, "/api/v1/delivery-reports?name=box", mbox, comms)
		res = decodeBody[notify.ReportsResult](t, w.Body.String())
		if w.Code != http.StatusOK || res.Files != 2 || res.Reports != 1 || len(res.Skipped) != 1 || res.Skipped[0] != "box#2" {
			t.Fatalf("an mbox of a bounce and a reply: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/delivery-reports", "", comms); w.Code != http.StatusBadRequest {
			t.Errorf("an empty upload: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/delivery-reports", string(bounce), viewer); w.Code != http.StatusForbidden {
			t.Errorf("a viewer uploads reports: %d %s", w.Code, w.Body)
		}
		f.unchanged("reports on messages leakdesk did not send", before)
	})
}
