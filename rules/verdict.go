package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// verdictFacts says, in lang, the latest verdict on the leak and its
// seller's claims ("leak.verdict"), as verify-leak recorded it. The
// questions and answers are translated; the evidence is quoted as
// recorded, since it is what the verdict rests on.
func verdictFacts(lang string, in ReportInput, out map[string]string) error {
	for _, ev := range slices.Backward(in.Events) {
		if ev.Kind != leakdesk.EventLeakVerified {
			continue
		}
		var v leakdesk.LeakVerifiedPayload
		if err := json.Unmarshal(ev.Details, &v); err != nil {
			return fmt.Errorf("read the verdict of event %d: %w", ev.Seq, err)
		}
		lines := []string{fmt.Sprintf(tr(lang, "verdict.head"), v.Leak, v.Rows, reportTime(lang, ev.OccurredAt, in.Incident.Location()), ev.Seq)}
		for _, f := range v.Findings {
			line := fmt.Sprintf("%s%s%s", verdictWord(lang, f.Question), colon(lang), verdictWord(lang, f.Verdict))
			if len(f.Evidence) > 0 {
				line += ". " + strings.Join(f.Evidence, "; ")
			}
			lines = append(lines, line)
		}
		out["leak.verdict"] = strings.Join(lines, "\n")
		return nil
	}
	return nil
}

// verdictWord translates a question or an answer of a verdict, or keeps
// it as recorded when it has no translation.
func verdictWord(lang, word string) string {
	q, isClaim := strings.CutPrefix(word, "access: ")
	if t := tr(lang, "verdict."+q); t != "verdict."+q {
		q = t
	}
	if isClaim {
		return tr(lang, "verdict.access") + q
	}
	return q
}
