package dump

import (
	"bytes"
	"regexp"
	"strings"
)

var (
	mysqlDumpHead = regexp.MustCompile(`^(/\*M![^\n]*\*/\s*\n)?-- (MySQL|MariaDB) dump `)
	mysqlSetNames = regexp.MustCompile(`(?i)\bSET NAMES '?(\w+)`)
	mysqlXMLHead  = regexp.MustCompile(`^<\?xml([^>]*)\?>\s*<(mysqldump|resultset)\b`)
)

// declaredEncoding returns the encoding a MySQL or MariaDB dump declares,
// or "" for other files. A dump of a table with binary columns holds their
// bytes raw, control characters included, so that detecting the encoding
// from the bytes would call it binary or Windows-1252; the dump says what
// its text is.
func declaredEncoding(head []byte) string {
	switch {
	case mysqlDumpHead.Match(head):
		// mysqldump writes utf8mb4 unless told otherwise, and says so
		// except under --compatible.
		m := mysqlSetNames.FindSubmatch(head[:min(len(head), 4096)])
		if m == nil {
			return EncUTF8
		}
		switch strings.ToLower(string(m[1])) {
		case "utf8", "utf8mb3", "utf8mb4":
			return EncUTF8
		case "latin1": // MySQL's latin1 is Windows-1252
			return EncCP1252
		}
	default:
		if m := mysqlXMLHead.FindSubmatch(head); m != nil && !bytes.Contains(m[1], []byte("encoding")) {
			return EncUTF8 // the XML default
		}
	}
	return ""
}
