package verdict

import (
	"cmp"
	"context"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Request is a verdict to draw from files: the registry, its history and
// the past exports are paths, read with Read.
type Request struct {
	Leak            match.Source
	Registry        string
	RegistryOptions match.RegistryOptions
	History         string   // the registry's change log; none when empty
	Exports         []string // past export files
	Earlier         []match.Source
	Own             Own
	Read            dump.Options
}

// Run reads the registry and its history as r says and draws the verdict
// on the leak, as "leakdesk verify-leak" does.
func Run(ctx context.Context, r Request) (*Report, error) {
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, err
	}
	secrets, err := dump.LoadSecrets()
	if err != nil {
		return nil, err
	}
	n := match.NewNormaliser(cmp.Or(r.Read.Region, "FR"))
	in := Input{Leak: r.Leak, Exports: r.Exports, Earlier: r.Earlier, Own: r.Own}
	if in.Registry, err = match.LoadRegistry(ctx, reader, n, r.Registry, r.RegistryOptions); err != nil {
		return nil, err
	}
	if r.History != "" {
		if in.History, err = match.ReadHistory(r.History); err != nil {
			return nil, err
		}
	}
	return New(reader, n, secrets, r.Read.Workers).Verify(ctx, in)
}
