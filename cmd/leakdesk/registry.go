package main

import (
	"cmp"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

func (a *app) registryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Prepare the registry of contacts for large matches",
	}
	cmd.AddCommand(a.registryIndexCommand())
	return cmd
}

// indexMemoryLimit is the heap the index build keeps to, unless GOMEMLIMIT
// says otherwise. Building holds the key tables, about 50 bytes a
// contact, while every row read leaves garbage: without a limit the
// collector lets the heap grow to twice what is held.
const indexMemoryLimit = 1536 << 20

func (a *app) registryIndexCommand() *cobra.Command {
	var df dumpFlags
	var rf registryFlags
	var out string
	cmd := &cobra.Command{
		Use:   "index REGISTRY --out FILE [--id-column C] [--org-column C] [--map role=column]... [--region FR]",
		Short: "Read a registry once and write its index, which match, trace and workers map instead of reading the registry",
		Long: `Read the registry of contacts (any format match reads) and write its index to
FILE: the contacts as normalised and the table of their keys, with a
checksum. Give FILE wherever a registry is asked for (match --registry,
trace --registry, serve): it is recognised and memory-mapped, so that it is
not read again and every process on the machine shares one copy. The index
keeps the columns chosen here and the phone region: build it again when the
registry changes. The registry is read twice and never held whole; the
build keeps its heap to 1.5 GiB unless GOMEMLIMIT is set. See
docs/registry-index.md.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "out"); err != nil {
				return err
			}
			rf.path = args[0]
			reg, err := rf.registry(df.opts)
			if err != nil {
				return err
			}
			reader, err := dump.NewReader(df.opts)
			if err != nil {
				return err
			}
			n := match.NewNormaliser(cmp.Or(df.opts.Region, "FR"))
			if a.getenv("GOMEMLIMIT") == "" {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(indexMemoryLimit))
			}
			indexed, err := match.IndexRegistry(cmd.Context(), reader, n, reg.Path, reg.Options, out)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"index": out, "registry": reg.Path, "contacts": indexed.Contacts, "bytes": indexed.Bytes})
			}
			fmt.Fprintf(a.stdout, "%s: %s (%d bytes), from %s\n", out, indexed, indexed.Bytes, reg.Path)
			return nil
		},
	}
	df.register(a, cmd)
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "the index file to write (required)")
	rf.registerColumns(cmd)
	return cmd
}
