package match

// Region is the region (ISO 3166) whose numbers n reads without a country
// code, so that another reader of phone numbers reads them alike.
func (n *Normaliser) Region() string { return n.region }
