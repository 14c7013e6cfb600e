package trace

import (
	"context"
	"slices"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// registryTable is the first table of a registry, whole, with the roles
// of its columns.
type registryTable struct {
	header []string
	rows   [][]string
	roles  []dump.Role
}

// readRegistryTable reads the first table of the registry at path, its
// national phone numbers read in region.
func readRegistryTable(ctx context.Context, path, region string) (*registryTable, error) {
	reader, err := dump.NewReader(dump.Options{Region: region})
	if err != nil {
		return nil, err
	}
	var table *dump.Table
	var rows [][]string
	err = reader.Read(ctx, path, func(t *dump.Table) error {
		if table != nil {
			return nil
		}
		table = t
		return t.Rows(ctx, func(row dump.Row) error {
			rows = append(rows, slices.Clone(row.Cells))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if table == nil || len(rows) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s holds no rows", path)
	}
	reg := &registryTable{header: slices.Clone(table.Columns), rows: rows}
	// Roles are inferred from a sample: enough to tell columns apart.
	for _, cr := range reader.InferRoles(table, rows[:min(len(rows), 300)], nil) {
		reg.roles = append(reg.roles, cr.Role)
	}
	return reg, nil
}

// ExportPreview says how many registry rows each filter of an export
// keeps. Its JSON is the contract of "leakdesk export --preview".
type ExportPreview struct {
	Filters []FilterCount `json:"filters"`
	Rows    int           `json:"rows"`
}

// PreviewExport counts the rows of the registry at path that each of the
// filters in where keeps, and writes nothing.
func PreviewExport(ctx context.Context, path, region string, where []string) (*ExportPreview, error) {
	reg, err := readRegistryTable(ctx, path, region)
	if err != nil {
		return nil, err
	}
	filters, err := ParseWhere(reg.header, where)
	if err != nil {
		return nil, err
	}
	return &ExportPreview{Filters: Preview(filters, reg.rows), Rows: len(reg.rows)}, nil
}
