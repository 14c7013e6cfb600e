package proof

import (
	"archive/zip"
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"

	"github.com/leakdesk/leakdesk"
)

// BundleCheck names what a bundle is checked against, as a person gives
// it: files and a witness's address. The zero value checks the bundle
// against its own key.
type BundleCheck struct {
	PublicKeyFile string // the organisation's published key (PEM)
	TSACertFile   string // the certificate (PEM) timestamp tokens must chain to
	Witness       string // dir:/path or https://…, whose checkpoints the bundle must agree with
}

// VerifyBundleFile checks the bundle at path offline, as "leakdesk bundle
// verify" does. A bundle that does not check out is a report with its
// problem; an error means the bundle or the check could not be read.
func VerifyBundleFile(ctx context.Context, path string, check BundleCheck) (*BundleReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is not a readable zip file: %v", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is not a readable zip file: %v", path, err)
	}
	return VerifyBundleAt(ctx, f, info.Size(), path, check)
}

// VerifyBundleAt checks the bundle of size bytes in r, which errors call
// name, as VerifyBundleFile does.
func VerifyBundleAt(ctx context.Context, r io.ReaderAt, size int64, name string, check BundleCheck) (*BundleReport, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is not a readable zip file: %v", name, err)
	}
	opts, err := check.options(ctx, zr)
	if err != nil {
		return nil, err
	}
	return VerifyBundle(zr, opts)
}

// options reads the files check names and fetches what its witness holds
// for the bundle's incident.
func (check BundleCheck) options(ctx context.Context, zr *zip.Reader) (BundleOptions, error) {
	var opts BundleOptions
	if check.PublicKeyFile != "" {
		data, err := os.ReadFile(check.PublicKeyFile)
		if err != nil {
			return opts, leakdesk.Errorf(leakdesk.EINVALID, "public key %s cannot be read: %v", check.PublicKeyFile, err)
		}
		if opts.PublicKey, err = ParsePublicKeyPEM(data); err != nil {
			return opts, err
		}
	}
	var err error
	if opts.TSACert, err = ReadCertificateFile(check.TSACertFile); err != nil {
		return opts, err
	}
	if check.Witness == "" {
		return opts, nil
	}
	w, err := ParseWitness(check.Witness, nil)
	if err != nil {
		return opts, err
	}
	incident, err := BundleIncident(zr)
	if err != nil {
		return opts, err
	}
	if opts.Witnessed, err = w.Checkpoints(ctx, incident); err != nil {
		return opts, err
	}
	opts.Witness = w.String()
	return opts, nil
}

// ReadCertificateFile reads the timestamp authority's certificate (PEM)
// at path; none when path is empty.
func ReadCertificateFile(path string) (*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "timestamp authority certificate %s cannot be read: %v", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "timestamp authority certificate %s is not PEM", path)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "timestamp authority certificate %s: %v", path, err)
	}
	return cert, nil
}
