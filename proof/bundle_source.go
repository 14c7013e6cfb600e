package proof

import (
	"archive/zip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"

	"github.com/leakdesk/leakdesk"
)

// PublicKeyOf returns the public half of key.
func PublicKeyOf(key ed25519.PrivateKey) ed25519.PublicKey { return key.Public().(ed25519.PublicKey) }

// Bundle gathers what an incident's bundle holds. With withEvidence the
// evidence is read, and each read is logged on the timeline as actor's,
// after the events the bundle holds.
func (s *Service) Bundle(ctx context.Context, incidentID int64, evidence leakdesk.EvidenceService, findings leakdesk.FindingsService, actor string, withEvidence bool) (*Bundle, error) {
	inc, events, stored, err := s.load(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	b := &Bundle{Incident: inc, Events: events, Checkpoints: stored, PublicKey: s.PublicKey()}
	if b.Evidence, err = evidence.FindEvidence(ctx, incidentID); err != nil {
		return nil, err
	}
	switch f, err := findings.LatestFindings(ctx, incidentID); {
	case err == nil:
		b.Findings = f
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	if withEvidence {
		b.OpenEvidence = func(ctx context.Context, e *leakdesk.Evidence) (io.ReadCloser, error) {
			_, rc, err := evidence.OpenEvidence(ctx, incidentID, e.SHA256, actor, "bundle for "+inc.PublicID())
			return rc, err
		}
	}
	return b, nil
}

// BundleIncident returns the public ID of the incident a bundle is about.
func BundleIncident(zr *zip.Reader) (string, error) {
	f, err := zr.Open(bundleEvents)
	if err != nil {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "the bundle has no %s", bundleEvents)
	}
	defer f.Close()
	var line EventLine
	if err := json.NewDecoder(f).Decode(&line); err != nil {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "%s: %v", bundleEvents, err)
	}
	return leakdesk.FormatIncidentID(line.IncidentID), nil
}

// SignedBundle signs the incident's timeline as it stands (Checkpoint),
// then assembles its bundle, so that the bundle's last checkpoint covers
// every event in it.
func (s *Service) SignedBundle(ctx context.Context, incidentID int64, evidence leakdesk.EvidenceService, findings leakdesk.FindingsService, actor string, withEvidence bool) (*Bundle, error) {
	if _, err := s.Checkpoint(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Bundle(ctx, incidentID, evidence, findings, actor, withEvidence)
}
