package dump_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/leakdesk/leakdesk/dump"
)

// The same 60 documents, as mongodump and mongoexport write them, read the
// same: wrappers collapsed, values written alike.
func TestMongoRealFiles(t *testing.T) {
	t.Parallel()
	cells := []cellCheck{
		{0, "_id", "65e1f0a00000000000001000"},
		{0, "created", "2024-01-01T09:00:00Z"},
		{1, "created", "2024-01-02T09:00:00.007Z"},
		{1, "balance", "13.01"},
		{1, "visits", "1001"},
		{0, "active", "false"},
		{1, "active", "true"},
		{0, "avatar", "89504e4700"},
		{0, "tags", "contact; year-2020"},
		{0, "note", "Met at the fair, stand 0;\nfollow up with \"Mairie de Saint-Étienne-du-Bois\" in June"},
		{1, "note", ""},
		{3, "organisation", `Hôpital "Les Tilleuls"`},
		{3, "location.city", "Nîmes"},
		{22, "first_name", "Søren"},
		{59, "ref", "C1059"},
	}
	for _, tc := range []struct {
		file   string
		format dump.Format
		sheet  string
	}{
		{"pymongo-mongodump.bson", dump.FormatBSON, "pymongo-mongodump"},
		{"pymongo-mongoexport-relaxed.json", dump.FormatNDJSON, ""},
		{"pymongo-mongoexport-canonical.json", dump.FormatNDJSON, ""},
		{"pymongo-mongoexport-array.json", dump.FormatJSON, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			res := oneTable(t, tc.file, realBytes(t, tc.file), tc.format, dump.Options{})
			if len(res.rows) != 60 || len(res.stats.Warnings) != 0 {
				t.Fatalf("%d rows, warnings %v", len(res.rows), res.stats.Warnings)
			}
			for _, c := range res.table.Columns {
				if strings.Contains(c, "$") {
					t.Errorf("column %q: a wrapper was not collapsed", c)
				}
			}
			checkCells(t, res, cells)
			if p := res.rows[59].Pos; p.Record != 60 || p.Sheet != tc.sheet || p.File != tc.file {
				t.Errorf("last record at %+v", p)
			}
		})
	}
}

func TestExtendedJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ json, column, want string }{
		{`{"a":{"$oid":"65e1f0a00000000000001000"}}`, "a", "65e1f0a00000000000001000"},
		{`{"a":{"$date":"2024-03-01T12:30:00Z"}}`, "a", "2024-03-01T12:30:00Z"},
		{`{"a":{"$date":{"$numberLong":"1709296200000"}}}`, "a", "2024-03-01T12:30:00Z"},
		{`{"a":{"$date":1709296200001}}`, "a", "2024-03-01T12:30:00.001Z"},
		{`{"a":{"$numberInt":"5"}}`, "a", "5"},
		{`{"a":{"$numberLong":"-9007199254740993"}}`, "a", "-9007199254740993"},
		{`{"a":{"$numberDouble":"Infinity"}}`, "a", "Infinity"},
		{`{"a":{"$numberDecimal":"12.50"}}`, "a", "12.50"},
		{`{"a":{"$binary":{"base64":"AQI=","subType":"04"}}}`, "a", "0102"},
		{`{"a":{"$binary":"AQI=","$type":"00"}}`, "a", "0102"},
		{`{"a":{"$type":"00","$binary":"AQI="}}`, "a", "0102"},
		{`{"a":{"$undefined":true}}`, "a", ""},
		{`{"a":{"$timestamp":{"t":1700000000,"i":3}}}`, "a", "1700000000:3"},
		{`{"a":{"$regularExpression":{"pattern":"^x","options":"i"}}}`, "a", "/^x/i"},
		{`{"a":{"$minKey":1}}`, "a", "MinKey"},
		{`{"a":{"$maxKey":1}}`, "a", "MaxKey"},
		{`{"a":{"b":{"$oid":"65e1f0a00000000000001000"}}}`, "a.b", "65e1f0a00000000000001000"},
		// Not wrappers: kept as the objects they are.
		{`{"a":{"$oid":5}}`, "a.$oid", "5"},
		{`{"a":{"$oid":"x","b":1}}`, "a.$oid", "x"},
		{`{"a":{"$date":"x","$type":"y"}}`, "a.$date", "x"},
	} {
		for _, data := range []string{tc.json + "\n" + tc.json + "\n", "[" + tc.json + "]"} {
			res, err := readBytes(t, "x.json", []byte(data), dump.Options{})
			if err != nil || len(res) != 1 {
				t.Fatalf("%s: %v", data, err)
			}
			checkCells(t, res[0], []cellCheck{{0, tc.column, tc.want}})
		}
	}
}

// mongoexport --type=csv writes dotted columns and ObjectId(...) cells.
func TestMongoexportCSV(t *testing.T) {
	t.Parallel()
	data := "_id,email,location.city,location.country,created\n" +
		"ObjectId(65e1f0a00000000000001000),amelie.vidal@mairiesaint.fr,Paris,FR,2024-01-01T09:00:00.000Z\n" +
		"ObjectId(65e1f0a00000000000001001),jurgen.caron@hopitaltille.fr,Nîmes,FR,2024-01-02T09:00:00.000Z\n"
	res := oneTable(t, "contacts.csv", []byte(data), dump.FormatDelimited, dump.Options{})
	checkCells(t, res, []cellCheck{{1, "location.city", "Nîmes"}, {0, "_id", "ObjectId(65e1f0a00000000000001000)"}, {1, "email", "jurgen.caron@hopitaltille.fr"}})
}

func TestBSONInArchives(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"dump/crm/contacts.bson", realBytes(t, "pymongo-mongodump.bson")},
		{"dump/crm/contacts.metadata.json", []byte(`{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"}],"uuid":"0b7c1f4e5d2a4c1e9f3b6a8d7e5c4b3a","collectionName":"contacts","type":"collection"}`)},
		{"dump/crm/empty.bson", nil},
		{"dump/crm/zipped.bson.gz", compress(t, "gzip", realBytes(t, "pymongo-mongodump.bson"))},
	} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg})
		tw.Write(f.data)
	}
	tw.Close()
	gz.Close()
	res, err := readBytes(t, "dump.tgz", buf.Bytes(), dump.Options{})
	unread, err := dump.Unreads(err)
	if err != nil || len(res) != 4 || len(unread) != 1 || unread[0].File != "dump.tgz!/dump/crm/empty.bson" {
		t.Fatalf("%v, %d tables, unread %v", err, len(res), unread)
	}
	if tb := res[0].table; tb.Format != dump.FormatBSON || tb.Sheet != "contacts" || len(res[0].rows) != 60 || res[0].rows[0].Pos.Sheet != "contacts" {
		t.Errorf("collection read as %s [%s], %d rows", tb.Format, tb.Sheet, len(res[0].rows))
	}
	if len(res[1].rows) != 0 || len(res[1].stats.Warnings) != 1 || !strings.Contains(res[1].stats.Warnings[0].Message, "mongodump collection metadata") {
		t.Errorf("metadata read as %d rows, warnings %v", len(res[1].rows), res[1].stats.Warnings)
	}
	if len(res[2].rows) != 0 {
		t.Errorf("empty collection gave %d rows", len(res[2].rows))
	}
	if tb := res[3].table; tb.Format != dump.FormatBSON || tb.Sheet != "zipped" || len(res[3].rows) != 60 {
		t.Errorf("mongodump --gzip collection read as %s [%s], %d rows", tb.Format, tb.Sheet, len(res[3].rows))
	}
}

// bsonDoc marshals a document with the Go driver, for hand-made cases.
func bsonDoc(t testing.TB, doc bson.D) []byte {
	t.Helper()
	b, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBSONDamaged(t *testing.T) {
	t.Parallel()
	real := realBytes(t, "pymongo-mongodump.bson")
	// The offsets of the first documents.
	var offsets []int
	for off := 0; off < len(real) && len(offsets) < 6; off += int(binary.LittleEndian.Uint32(real[off:])) {
		offsets = append(offsets, off)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(real)) }
	badType := edit(func(b []byte) []byte { b[offsets[3]+4] = 0x42; return b }) // the first two make it BSON
	badLength := edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[offsets[4]:], 2); return b })
	hugeLength := edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[offsets[4]:], 0x7fffffff); return b })
	long := bsonDoc(t, bson.D{{Key: "email", Value: "long@example.net"}, {Key: "notes", Value: strings.Repeat("x", 5000)}})
	withLong := append(append(bytes.Clone(real[:offsets[2]]), long...), real[offsets[2]:]...)
	checkDamaged(t, "c.bson", dump.FormatBSON, []damagedCase{
		{"cut inside a document", real[:offsets[3]+100], 3, "the file ends 100 bytes into a document"},
		{"cut inside a length", real[:offsets[3]+2], 3, "ends inside a document's length"},
		{"damaged element", badType, 59, "damaged document, skipped"},
		{"impossible length", badLength, 4, "a document cannot be 2 bytes long"},
		{"length past the end", hugeLength, 4, "longer than 4096 bytes; skipped"},
		{"document over the record cap", withLong, 60, "longer than 4096 bytes; skipped"},
	})
	// Deep nesting is read down to MaxJSONDepth, and no further.
	deep := bson.D{{Key: "email", Value: "deep@example.net"}}
	for range 200 {
		deep = bson.D{{Key: "n", Value: deep}}
	}
	res := oneTable(t, "deep.bson", bsonDoc(t, deep), dump.FormatBSON, dump.Options{MaxJSONDepth: 8})
	if len(res.rows) != 1 || len(res.table.Columns) != 1 || !strings.HasPrefix(res.table.Columns[0], "n.n.n.n.n.n.n.n") {
		t.Errorf("deep document: %q, %d rows", res.table.Columns, len(res.rows))
	}
}

func TestBSONDetection(t *testing.T) {
	t.Parallel()
	doc := bsonDoc(t, bson.D{{Key: "_id", Value: bson.NewObjectIDFromTimestamp(bson.DateTime(0).Time())}, {Key: "email", Value: "a@example.net"}})
	for _, tc := range []struct {
		name string
		data []byte
		want dump.Format
	}{
		{"one document", doc, dump.FormatBSON},
		{"two documents", append(bytes.Clone(doc), doc...), dump.FormatBSON},
		{"a second that is not BSON", append(bytes.Clone(doc), "garbage after it"...), "binary"},
		{"csv", []byte("id,email\n1,a@example.net\n"), dump.FormatDelimited},
		{"utf-16 with a line break", bytes.Repeat([]byte("a\x00b\x00\r\x00\n\x00"), 20), dump.FormatText},
	} {
		res, err := readBytes(t, tc.name, tc.data, dump.Options{})
		if _, err := dump.Unreads(err); err != nil || len(res) != 1 || res[0].table.Format != tc.want {
			t.Errorf("%s: %v, %+v", tc.name, err, res)
		}
	}
}

func FuzzBSON(f *testing.F) {
	seeds := [][]byte{
		realBytes(f, "pymongo-mongodump.bson"),
		bsonDoc(f, bson.D{}),
		bsonDoc(f, bson.D{{Key: "a", Value: bson.A{1, "x", bson.D{{Key: "b", Value: nil}}}}, {Key: "d", Value: bson.DateTime(-1)}, {Key: "r", Value: bson.Regex{Pattern: "x", Options: "i"}}}),
		append(bsonDoc(f, bson.D{{Key: "x", Value: 1.5e300}}), bsonDoc(f, bson.D{{Key: "y", Value: bson.Binary{Subtype: 4, Data: []byte{1}}}})...),
		[]byte("\x0c\x00\x00\x00\x03a\x00\xff\xff\xff\x7f\x00\x00"),
	}
	fuzzReader(f, dump.FormatBSON, seeds)
}

// BenchmarkReadBSON and BenchmarkReadNDJSONMongo read the same documents,
// as mongodump and mongoexport write them: a new reader may cost no more
// per megabyte than the existing reader of the nearest format.
func BenchmarkReadBSON(b *testing.B) {
	benchReadRepeated(b, "contacts.bson", realBytes(b, "pymongo-mongodump.bson"), dump.FormatBSON)
}

func BenchmarkReadNDJSONMongo(b *testing.B) {
	benchReadRepeated(b, "contacts.json", realBytes(b, "pymongo-mongoexport-relaxed.json"), dump.FormatNDJSON)
}

// Reading vCard, LDIF and BSON stops soon after its context is cancelled.
func TestContactFormatsCancellation(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"khard-vcard40.vcf", "slapcat.ldif", "pymongo-mongodump.bson"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			data := bytes.Repeat(realBytes(t, file), 100)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := 0
			err := newReader(t, dump.Options{}).ReadStream(ctx, file, bytes.NewReader(data), func(tb *dump.Table) error {
				return tb.Rows(ctx, func(dump.Row) error {
					if n++; n == 10 {
						cancel()
					}
					return nil
				})
			})
			if !errors.Is(err, context.Canceled) || n > 10+1024 {
				t.Fatalf("cancelled read: %v after %d rows", err, n)
			}
		})
	}
}
