package match

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// columns says which column holds what; -1 when none.
type columns struct {
	id, orgID, org, first, last, full int
	country, language                 int
	emails, phones                    []int
	personColumns
}

// registryColumns chooses the columns from the roles inferred from the
// first rows; unique says whether a column's values are all different.
func registryColumns(t *dump.Table, inferred []dump.ColumnRole, opts RegistryOptions, unique func(column int) bool) (columns, error) {
	cols := columns{id: -1, orgID: -1, org: -1, first: -1, last: -1, full: -1, country: -1, language: -1, personColumns: noPersonColumns()}
	role, err := registryRoles(t, inferred, opts)
	if err != nil {
		return cols, err
	}
	var ids []int
	for i, r := range role {
		switch r {
		case dump.RoleID:
			ids = append(ids, i)
		case dump.RoleEmail:
			cols.emails = append(cols.emails, i)
		case dump.RolePhone:
			cols.phones = append(cols.phones, i)
		case dump.RoleFirstName:
			cols.first = i
		case dump.RoleLastName:
			cols.last = i
		case dump.RoleFullName:
			cols.full = i
		case dump.RoleOrganisation:
			cols.org = i
		case dump.RoleCountry:
			cols.country = i
		default:
			cols.take(r, i)
		}
	}
	// No role is inferred for a language column: it is known by its name.
	for i, h := range t.Columns {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "language", "lang", "langue", "locale":
			cols.language = i
		}
	}
	if opts.IDColumn != "" {
		if cols.id, err = findColumn(t, opts.IDColumn); err != nil {
			return cols, err
		}
	}
	if opts.OrgColumn != "" {
		if cols.orgID, err = findColumn(t, opts.OrgColumn); err != nil {
			return cols, err
		}
	}
	// The contact ID is the first ID column whose values are unique; an ID
	// column named for organisations groups contacts.
	for _, i := range ids {
		switch {
		case orgish(t.Columns[i]) && cols.orgID < 0:
			cols.orgID = i
		case !orgish(t.Columns[i]) && cols.id < 0 && unique(i):
			cols.id = i
		}
	}
	// Without a unique one, take the first: its duplicates are then
	// reported as what they are.
	for _, i := range ids {
		if cols.id < 0 && i != cols.orgID {
			cols.id = i
		}
	}
	if cols.id < 0 {
		return cols, leakdesk.Errorf(leakdesk.EINVALID, "no column identifies each contact: name it with --id-column")
	}
	if len(cols.emails) == 0 && len(cols.phones) == 0 && cols.last < 0 && cols.full < 0 && cols.nationalID < 0 {
		return cols, leakdesk.Errorf(leakdesk.EINVALID, "no e-mail, phone or name column was recognised: name them with --map email=COLUMN")
	}
	return cols, nil
}

// orgish reports whether an ID column's header names organisations.
func orgish(header string) bool {
	h := strings.ToLower(header)
	return strings.Contains(h, "org") || strings.Contains(h, "compan") || strings.Contains(h, "client") || strings.Contains(h, "customer") || strings.Contains(h, "account") || strings.Contains(h, "soci")
}

// registryRoles are the inferred roles, with those of --map.
func registryRoles(t *dump.Table, inferred []dump.ColumnRole, opts RegistryOptions) ([]dump.Role, error) {
	role := make([]dump.Role, len(inferred))
	for i, cr := range inferred {
		role[i] = cr.Role
	}
	for r, name := range opts.Map {
		i, err := findColumn(t, name)
		if err != nil {
			return nil, err
		}
		for i >= len(role) {
			role = append(role, dump.RoleUnknown)
		}
		role[i] = r
	}
	return role, nil
}

// findColumn finds a column by header or by 1-based number.
func findColumn(t *dump.Table, name string) (int, error) {
	if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(t.Columns) {
		return n - 1, nil
	}
	for i, h := range t.Columns {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i, nil
		}
	}
	return -1, leakdesk.Errorf(leakdesk.EINVALID, "no column %q; columns are %s", name, strings.Join(t.Columns, ", "))
}

// cells returns the row's values in the given columns.
func cells(row []string, columns []int) []string {
	out := make([]string, 0, len(columns))
	for _, c := range columns {
		if c < len(row) {
			out = append(out, row[c])
		}
	}
	return out
}

// columnChooser reads a registry's first table once, to choose its
// columns: the first rows for the roles, and every row for whether its ID
// columns' values are unique.
type columnChooser struct {
	r        *dump.Reader
	opts     RegistryOptions
	table    *dump.Table
	sample   [][]string
	inferred []dump.ColumnRole
	rows     int
	// seen holds the values met in each ID column, until one repeats.
	seen      map[int]map[string]struct{}
	notUnique map[int]bool
}

// chooserSample is how many first rows the roles are inferred from.
const chooserSample = 300

func (cc *columnChooser) read(ctx context.Context) func(*dump.Table) error {
	return func(t *dump.Table) error {
		if cc.table != nil {
			return nil // the first table is the registry
		}
		cc.table = t
		err := t.Rows(ctx, func(row dump.Row) error {
			cc.rows++
			if cc.inferred == nil {
				cc.sample = append(cc.sample, slices.Clone(row.Cells))
				if len(cc.sample) == chooserSample {
					cc.infer()
				}
				return nil
			}
			cc.note(row.Cells)
			return nil
		})
		if cc.inferred == nil && len(cc.sample) > 0 {
			cc.infer()
		}
		return err
	}
}

// infer reads the roles from the sample, and starts noting the values of
// the ID columns that could identify contacts.
func (cc *columnChooser) infer() {
	cc.inferred = cc.r.InferRoles(cc.table, cc.sample, nil)
	cc.seen, cc.notUnique = map[int]map[string]struct{}{}, map[int]bool{}
	if role, err := registryRoles(cc.table, cc.inferred, cc.opts); err == nil { // else columns reports it
		for i, r := range role {
			if r == dump.RoleID && !orgish(cc.table.Columns[i]) {
				cc.seen[i] = map[string]struct{}{}
			}
		}
	}
	for _, row := range cc.sample {
		cc.note(row)
	}
}

func (cc *columnChooser) note(row []string) {
	for c, seen := range cc.seen {
		if c >= len(row) {
			cc.notUnique[c] = true
			delete(cc.seen, c)
			continue
		}
		if _, dup := seen[row[c]]; dup {
			cc.notUnique[c] = true
			delete(cc.seen, c)
			continue
		}
		seen[strings.Clone(row[c])] = struct{}{}
	}
}

// columns chooses the columns, once every row was read. The values noted
// are let go: the rows are read again.
func (cc *columnChooser) columns() (columns, error) {
	cc.seen, cc.sample = nil, nil
	return registryColumns(cc.table, cc.inferred, cc.opts, func(c int) bool { return !cc.notUnique[c] })
}
