package leakdesk

// CoverageBoard is an audience's coverage at a glance: how many recipients
// stand where, in all and by organisation, and one page of those not
// reached. It says what Coverage says of each recipient, without listing
// them all.
type CoverageBoard struct {
	Summary CoverageSummary
	// ByOrganisation counts the recipients of each organisation, by the
	// name the recipients give, "" for those without one.
	ByOrganisation map[string]CoverageCounts
	// NotInList counts the affected contacts of the latest findings that
	// no notice can reach, since they are not recipients.
	NotInList int
	// Unreached is the page of unreached recipients asked for; there are
	// Summary.All.Unreached in all.
	Unreached []*CoverageEntry
}
