package proof

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// BundleOptions are what a verifier brings from outside the bundle.
type BundleOptions struct {
	// PublicKey is the organisation's key as published; nil takes the key
	// in the bundle, which proves only that the bundle is self-consistent.
	PublicKey ed25519.PublicKey
	TSACert   *x509.Certificate
	// Witnessed are the checkpoints a witness holds, and Witness its name.
	Witnessed []*leakdesk.Checkpoint
	Witness   string
}

// BundleReport is what bundle verification found.
type BundleReport struct {
	Report
	Files         int  `json:"files"`
	KeyPinned     bool `json:"key_pinned"`
	Evidence      int  `json:"evidence"`
	EvidenceFiles int  `json:"evidence_files"`
	Findings      bool `json:"findings"`
}

// VerifyBundle checks a bundle offline. A bundle that does not check out is
// reported in the result; an error means it could not be read at all.
func VerifyBundle(zr *zip.Reader, opts BundleOptions) (*BundleReport, error) {
	files := map[string][]byte{}
	for _, f := range zr.File {
		data, err := readZipFile(f)
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "bundle file %s cannot be read: %v", f.Name, err)
		}
		files[f.Name] = data
	}
	rep := &BundleReport{Report: Report{OK: true}, Files: len(files)}
	if problem := checkSums(files); problem != "" {
		rep.fail(0, "%s", problem)
		return rep, nil
	}
	pub, err := ParsePublicKeyPEM(files[bundleKey])
	if err != nil {
		rep.fail(0, "%s: %s", bundleKey, leakdesk.ErrorMessage(err))
		return rep, nil
	}
	if opts.PublicKey != nil {
		if !opts.PublicKey.Equal(pub) {
			rep.fail(0, "the bundle's key %s is not the organisation's key %s", KeyID(pub), KeyID(opts.PublicKey))
			return rep, nil
		}
		rep.KeyPinned = true
	}
	events, err := readEvents(files[bundleEvents])
	if err != nil {
		rep.fail(0, "%s: %s", bundleEvents, leakdesk.ErrorMessage(err))
		return rep, nil
	}
	checkpoints, problem := readCheckpoints(files)
	if problem != "" {
		rep.fail(0, "%s", problem)
		return rep, nil
	}
	var inc leakdesk.Incident
	if err := json.Unmarshal(files[bundleIncident], &inc); err != nil {
		rep.fail(0, "%s: %v", bundleIncident, err)
		return rep, nil
	}
	// The incident's number is not in its JSON; the events carry it. The
	// head is the last event's: only the checkpoints vouch for the length.
	if len(events) > 0 {
		last := events[len(events)-1]
		inc.ID, inc.EventCount, inc.HeadHash = last.IncidentID, last.Seq, last.Hash
	}
	checker := &Checker{PublicKey: pub, TSACert: opts.TSACert, Snapshot: true}
	rep.Report = *checker.Verify(&inc, events, checkpoints, opts.Witnessed, opts.Witness)
	if !rep.OK {
		return rep, nil
	}
	if rep.SignedSize < rep.Events {
		rep.fail(rep.SignedSize+1, "events %d to %d are in the bundle but no checkpoint signs them", rep.SignedSize+1, rep.Events)
		return rep, nil
	}
	if !rep.KeyPinned {
		rep.Warnings = append(rep.Warnings, "the key was taken from the bundle: compare its ID "+rep.KeyID+" with the organisation's published key (--public-key)")
	}
	if problem := checkEvidence(rep, files, events); problem != "" {
		rep.fail(0, "%s", problem)
	} else if problem := checkFindings(rep, files, events); problem != "" {
		rep.fail(0, "%s", problem)
	}
	// The erasures are on the signed timeline: the bundle says how many
	// values were erased, when and by whom, as verify does.
	personal, err := leakdesk.SummarisePersonal(events)
	if err != nil {
		rep.fail(0, "%s", leakdesk.ErrorMessage(err))
		return rep, nil
	}
	rep.Personal = personal
	return rep, nil
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// checkSums compares every file with SHA256SUMS, which must list them all.
func checkSums(files map[string][]byte) string {
	listed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(files[bundleSums]))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			return "SHA256SUMS has a malformed line"
		}
		listed[name] = sum
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == bundleSums {
			continue
		}
		want, ok := listed[name]
		if !ok {
			return fmt.Sprintf("%s is in the bundle but not in SHA256SUMS: a file was added", name)
		}
		sum := sha256.Sum256(files[name])
		if hex.EncodeToString(sum[:]) != want {
			return fmt.Sprintf("%s does not match its SHA-256 in SHA256SUMS: the file was changed", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		return fmt.Sprintf("%s is listed in SHA256SUMS but missing from the bundle: a file was removed", name)
	}
	if len(files[bundleSums]) == 0 {
		return "the bundle has no SHA256SUMS"
	}
	return ""
}

func readEvents(data []byte) ([]*leakdesk.Event, error) {
	var events []*leakdesk.Event
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var line EventLine
		if err := dec.Decode(&line); err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "line %d: %v", len(events)+1, err)
		}
		ev, err := line.Event()
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// readCheckpoints reads each checkpoint, and checks that the files a person
// checks with openssl say the same as the JSON leakdesk checks.
func readCheckpoints(files map[string][]byte) ([]*leakdesk.Checkpoint, string) {
	var list []*leakdesk.Checkpoint
	for name, data := range files {
		stem, ok := strings.CutSuffix(name, ".json")
		if !ok || !strings.HasPrefix(name, checkpointsDir) {
			continue
		}
		var cp leakdesk.Checkpoint
		if err := json.Unmarshal(data, &cp); err != nil {
			return nil, fmt.Sprintf("%s: %v", name, err)
		}
		if stem != checkpointName(cp.Size) || !bytes.Equal(files[stem+".msg"], SignedMessage(&cp)) ||
			!bytes.Equal(files[stem+".sig"], cp.Signature) || !bytes.Equal(files[stem+".tsr"], cp.Timestamp) {
			return nil, fmt.Sprintf("%s does not agree with its .msg, .sig or .tsr file", name)
		}
		list = append(list, &cp)
	}
	return sortBySize(list), ""
}

// checkEvidence ties evidence.json, and any evidence files, to the
// evidence.added events the checkpoints sign.
func checkEvidence(rep *BundleReport, files map[string][]byte, events []*leakdesk.Event) string {
	var listed []*leakdesk.Evidence
	if err := json.Unmarshal(files[bundleEvidence], &listed); err != nil {
		return fmt.Sprintf("%s: %v", bundleEvidence, err)
	}
	recorded := map[string]bool{}
	for _, ev := range events {
		var p leakdesk.EvidenceAddedPayload
		if ev.Kind == leakdesk.EventEvidenceAdded && json.Unmarshal(ev.Details, &p) == nil {
			recorded[p.SHA256] = true
		}
	}
	for _, e := range listed {
		if !recorded[e.SHA256] {
			return fmt.Sprintf("evidence %d (%s) is listed but no signed event records it", e.ID, e.SHA256)
		}
		rep.Evidence++
		if data, ok := files[evidenceFileDir+e.SHA256]; ok {
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != e.SHA256 {
				return fmt.Sprintf("evidence file %s does not have its hash", e.SHA256)
			}
			rep.EvidenceFiles++
		}
	}
	return ""
}

// checkFindings ties findings.json to the counts its signed event records.
func checkFindings(rep *BundleReport, files map[string][]byte, events []*leakdesk.Event) string {
	data, ok := files[bundleFindings]
	if !ok {
		return ""
	}
	var f leakdesk.Findings
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Sprintf("%s: %v", bundleFindings, err)
	}
	for _, ev := range events {
		var p leakdesk.FindingsRecordedPayload
		if ev.Kind != leakdesk.EventFindingsRecorded || json.Unmarshal(ev.Details, &p) != nil || p.FindingsID != f.ID {
			continue
		}
		if p.Contacts != len(f.Contacts) || p.Organisations != len(f.Organisations) || p.Rows != f.Rows || p.MatchedRows != f.MatchedRows {
			return fmt.Sprintf("%s does not match the counts event %d signed", bundleFindings, ev.Seq)
		}
		rep.Findings = true
		return ""
	}
	return fmt.Sprintf("%s is not recorded by any signed event", bundleFindings)
}
