package proof

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"

	"github.com/leakdesk/leakdesk"
)

// Bundle is what goes into the package for a regulator, an insurer or a
// court: everything needed to check the timeline without leakdesk.
type Bundle struct {
	Incident    *leakdesk.Incident
	Events      []*leakdesk.Event
	Checkpoints []*leakdesk.Checkpoint
	PublicKey   ed25519.PublicKey
	Evidence    []*leakdesk.Evidence
	// OpenEvidence reads one piece of evidence; nil leaves the content out
	// and keeps only the hashes.
	OpenEvidence func(ctx context.Context, e *leakdesk.Evidence) (io.ReadCloser, error)
	Findings     *leakdesk.Findings // nil when matching has not run
}

// Names of the files in a bundle.
const (
	bundleEvents    = "events.jsonl"
	bundleKey       = "public-key.pem"
	bundleEvidence  = "evidence.json"
	bundleFindings  = "findings.json"
	bundleIncident  = "incident.json"
	bundleSums      = "SHA256SUMS"
	bundleReadme    = "VERIFY.md"
	checkpointsDir  = "checkpoints/"
	evidenceFileDir = "evidence/"
)

//go:embed VERIFY.md.tmpl
var verifyTemplate string

// checkpointName is the stem of a checkpoint's files; the zero padding
// keeps them in order in a listing.
func checkpointName(size int64) string { return fmt.Sprintf("%s%08d", checkpointsDir, size) }

// WriteBundle writes b to w as a zip archive.
func WriteBundle(ctx context.Context, w io.Writer, b *Bundle) error {
	bw := &bundleWriter{zip: zip.NewWriter(w), sums: map[string]string{}}
	var events bytes.Buffer
	enc := json.NewEncoder(&events)
	enc.SetEscapeHTML(false)
	for _, ev := range b.Events {
		if err := enc.Encode(NewEventLine(ev)); err != nil {
			return fmt.Errorf("encode event %d: %w", ev.Seq, err)
		}
	}
	bw.add(bundleEvents, events.Bytes())
	bw.addJSON(bundleIncident, b.Incident)
	bw.add(bundleKey, PublicKeyPEM(b.PublicKey))
	for _, cp := range b.Checkpoints {
		name := checkpointName(cp.Size)
		bw.addJSON(name+".json", cp)
		bw.add(name+".msg", SignedMessage(cp))
		bw.add(name+".sig", cp.Signature)
		if cp.Timestamp != nil {
			bw.add(name+".tsr", cp.Timestamp)
		}
	}
	evidence := b.Evidence
	if evidence == nil {
		evidence = []*leakdesk.Evidence{}
	}
	bw.addJSON(bundleEvidence, evidence)
	if b.OpenEvidence != nil {
		for _, e := range b.Evidence {
			if err := bw.addEvidence(ctx, b, e); err != nil {
				return err
			}
		}
	}
	if b.Findings != nil {
		bw.addJSON(bundleFindings, b.Findings)
	}
	var readme bytes.Buffer
	err := template.Must(template.New("verify").Parse(verifyTemplate)).Execute(&readme, map[string]any{
		"Incident": b.Incident.PublicID(), "KeyID": KeyID(b.PublicKey), "Events": len(b.Events), "Checkpoints": len(b.Checkpoints),
	})
	if err != nil {
		return fmt.Errorf("write VERIFY.md: %w", err)
	}
	bw.add(bundleReadme, readme.Bytes())
	bw.add(bundleSums, sumsFile(bw.sums))
	if bw.err != nil {
		return bw.err
	}
	return bw.zip.Close()
}

// sumsFile writes sums in the format sha256sum -c reads.
func sumsFile(sums map[string]string) []byte {
	names := make([]string, 0, len(sums))
	for name := range sums {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[name], name)
	}
	return []byte(b.String())
}

// bundleWriter keeps the first error, so that adding files reads as a list.
type bundleWriter struct {
	zip  *zip.Writer
	sums map[string]string
	err  error
}

func (bw *bundleWriter) create(name string) io.Writer {
	if bw.err != nil {
		return io.Discard
	}
	f, err := bw.zip.Create(name)
	if err != nil {
		bw.err = fmt.Errorf("bundle %s: %w", name, err)
		return io.Discard
	}
	return f
}

func (bw *bundleWriter) add(name string, data []byte) {
	f := bw.create(name)
	if _, err := f.Write(data); err != nil && bw.err == nil {
		bw.err = fmt.Errorf("bundle %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	if name != bundleSums {
		bw.sums[name] = hex.EncodeToString(sum[:])
	}
}

func (bw *bundleWriter) addJSON(name string, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		bw.err = fmt.Errorf("encode %s: %w", name, err)
		return
	}
	bw.add(name, append(data, '\n'))
}

// addEvidence streams one piece of evidence into the archive and checks
// that it still has the hash it was recorded with.
func (bw *bundleWriter) addEvidence(ctx context.Context, b *Bundle, e *leakdesk.Evidence) error {
	rc, err := b.OpenEvidence(ctx, e)
	if err != nil {
		return err
	}
	defer rc.Close()
	name := evidenceFileDir + e.SHA256
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(bw.create(name), h), rc); err != nil {
		return fmt.Errorf("bundle evidence %d: %w", e.ID, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "evidence %d no longer has the hash it was recorded with", e.ID)
	}
	bw.sums[name] = e.SHA256
	return bw.err
}
