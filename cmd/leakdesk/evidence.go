package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
)

func (a *app) evidenceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Keep leaked files and other evidence, encrypted and content-addressed",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.evidenceAddCommand(), a.evidenceListCommand(), a.evidenceGetCommand(), a.evidenceVerifyCommand())
	return cmd
}

func (a *app) evidenceAddCommand() *cobra.Command {
	var source, note string
	cmd := &cobra.Command{
		Use:   `add INCIDENT FILE --source "where it was found" [--note TEXT]`,
		Short: "Store a file as evidence: hashed, encrypted, never altered",
		Args:  exactArgs("INCIDENT", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "source"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			f, size, err := openInput(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			svc, err := a.evidence(cmd.Context())
			if err != nil {
				return err
			}
			e := &leakdesk.Evidence{IncidentID: id, Filename: filepath.Base(args[1]), Source: source, Note: note, AddedBy: a.actor}
			err = svc.AddEvidence(cmd.Context(), e, a.progress("storing "+e.Filename, f, size))
			if leakdesk.ErrorCode(err) == leakdesk.ECONFLICT {
				fmt.Fprintf(a.stderr, "leakdesk: %s\n", leakdesk.ErrorMessage(err))
				err = nil // already held: the desired state
			}
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, e)
			}
			_, err = fmt.Fprintf(a.stdout, "evidence #%d  sha256 %s  %s\n", e.ID, e.SHA256, showBytes(e.Size))
			return err
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "where the file was found, e.g. a forum URL (required)")
	cmd.Flags().StringVar(&note, "note", "", "anything else worth recording")
	return cmd
}

// openInput opens a file to read, with errors a user can act on.
func openInput(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: permission denied", path)
	case err != nil:
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: %v", path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: %v", path, err)
	}
	if info.IsDir() {
		f.Close()
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "%s is a directory, not a file", path)
	}
	return f, info.Size(), nil
}

func (a *app) evidenceListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list INCIDENT",
		Short: "List an incident's evidence",
		Args:  exactArgs("INCIDENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.evidence(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.FindEvidence(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				if list == nil {
					list = []*leakdesk.Evidence{}
				}
				return writeJSON(a.stdout, list)
			}
			t := newTable(a.stdout, "#", "SHA-256", "SIZE", "ADDED", "BY", "FILE", "SOURCE")
			for _, e := range list {
				t.row(fmt.Sprint(e.ID), e.SHA256, showBytes(e.Size), e.AddedAt.Format(time.RFC3339), e.AddedBy, e.Filename, e.Source)
			}
			return t.flush()
		},
	}
}

func (a *app) evidenceGetCommand() *cobra.Command {
	var out, purpose string
	cmd := &cobra.Command{
		Use:   "get INCIDENT REF --out FILE --purpose TEXT",
		Short: "Write out a piece of evidence (by number or SHA-256 prefix); the read is logged",
		Args:  exactArgs("INCIDENT", "REF"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "out", "purpose"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.evidence(cmd.Context())
			if err != nil {
				return err
			}
			w := a.stdout
			var file *os.File
			if out != "-" {
				// Refuse to overwrite: a copy of evidence must not replace another file.
				if file, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
					return leakdesk.Errorf(leakdesk.EINVALID, "cannot write %s: %v", out, err)
				}
				w = file
			}
			e, rc, err := svc.OpenEvidence(cmd.Context(), id, args[1], a.actor, purpose)
			if err == nil {
				_, err = io.Copy(w, a.progress("reading "+e.Filename, rc, e.Size))
				rc.Close()
			}
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(out) // never leave a partial copy that looks whole
				}
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write, or - for standard output (required)")
	cmd.Flags().StringVar(&purpose, "purpose", "", "why the evidence is read, recorded on the timeline (required)")
	return cmd
}

func (a *app) evidenceVerifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify INCIDENT",
		Short: "Re-hash every piece of evidence; exit 7 lists mismatches",
		Args:  exactArgs("INCIDENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.evidence(cmd.Context())
			if err != nil {
				return err
			}
			checks, err := svc.VerifyEvidence(cmd.Context(), id, a.actor)
			if err != nil {
				return err
			}
			failed := 0
			for _, c := range checks {
				if !c.OK {
					failed++
				}
			}
			if a.format == "json" {
				if err := writeJSON(a.stdout, checks); err != nil {
					return err
				}
			} else {
				t := newTable(a.stdout, "#", "SHA-256", "FILE", "RESULT")
				for _, c := range checks {
					result := "ok"
					if !c.OK {
						result = "FAILED: " + c.Problem
					}
					t.row(fmt.Sprint(c.Evidence.ID), c.Evidence.SHA256[:16], c.Evidence.Filename, result)
				}
				if err := t.flush(); err != nil {
					return err
				}
			}
			if failed > 0 {
				return leakdesk.Errorf(leakdesk.EINTEGRITY, "%d of %d pieces of evidence failed verification", failed, len(checks))
			}
			return nil
		},
	}
}
