package leakdesk_test

import (
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

func TestCheckFact(t *testing.T) {
	t.Parallel()
	languages := []string{"fr", "en"}
	for _, tc := range []struct {
		key, value, want string // want: part of the error, empty when accepted
	}{
		{"dpo", "dpo@example.org", ""},
		{"measures.fr", "Compte désactivé.", ""},
		{"measures.de", "Konto gesperrt.", `language "de"`},
		{"mood", "calm", `unknown fact "mood"`},
		{"dpo", "  ", "empty"},
	} {
		err := leakdesk.CheckFact(tc.key, tc.value, languages)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckFact(%q, %q) = %v, want nil", tc.key, tc.value, err)
		case tc.want != "" && (leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(leakdesk.ErrorMessage(err), tc.want)):
			t.Errorf("CheckFact(%q, %q) = %v, want EINVALID with %q", tc.key, tc.value, err, tc.want)
		}
	}
	if _, ok := leakdesk.FactKeys()["subjects_informed"]; !ok {
		t.Error("FactKeys lacks subjects_informed, which reports fill from the notices")
	}
}
