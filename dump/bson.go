package dump

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FormatBSON is a mongodump collection file: BSON documents end to end.
const FormatBSON Format = "bson"

// maxBSONDocument bounds the length a file's first document may claim and
// still be taken for BSON: MongoDB's own limit is 16 MB.
const maxBSONDocument = 64 << 20

// isBSON reports whether a file starts with a BSON document, and, when a
// second one starts within head, with two.
func isBSON(head []byte) bool {
	n, ok := plausibleBSON(head)
	if !ok {
		return false
	}
	if n < len(head) {
		_, ok = plausibleBSON(head[n:])
	}
	return ok
}

// plausibleBSON checks the document at the start of b: its length, its
// first element's type and key, and, when all of it is in b, the whole
// document. It returns the document's length.
func plausibleBSON(b []byte) (int, bool) {
	if len(b) < 5 {
		return 0, false
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n < 5 || n > maxBSONDocument {
		return 0, false
	}
	if n <= len(b) {
		return n, b[n-1] == 0 && bson.Raw(b[:n]).Validate() == nil
	}
	if !validBSONType(b[4]) {
		return 0, false
	}
	key := b[5:min(len(b), 5+1024)]
	end := slices.Index(key, 0)
	return n, end > 0 && utf8.Valid(key[:end])
}

func validBSONType(t byte) bool {
	return t >= byte(bson.TypeDouble) && t <= byte(bson.TypeDecimal128) || t == byte(bson.TypeMaxKey) || t == byte(bson.TypeMinKey)
}

// isMongoMetadata recognises the metadata.json that mongodump writes
// beside each collection: its indexes and options, no records.
func isMongoMetadata(name string, head []byte) bool {
	return strings.HasSuffix(strings.TrimSuffix(name, ".gz"), ".metadata.json") && json.Valid(head) && strings.Contains(string(head), `"indexes"`)
}

func mongoMetadataTable(name string) *Table {
	t := &Table{File: name, Format: FormatJSON, Columns: []string{}, each: noRows, emptyIsReal: true}
	t.warn(Position{File: name}, "mongodump collection metadata (indexes and options): no records")
	return t
}

// readBSON reads a mongodump collection file as a table named for the
// collection. Each document is validated by the MongoDB driver and
// flattened as JSON records are, into dotted columns. A document longer
// than MaxRecordBytes is skipped without being read into memory.
func (r *Reader) readBSON(ctx context.Context, name string, in io.Reader, fn func(*Table) error) error {
	// mongodump --gzip writes contacts.bson.gz, whose stream names nothing.
	collection := strings.TrimSuffix(strings.TrimSuffix(path.Base(name[strings.LastIndex(name, "!/")+1:]), ".gz"), ".bson")
	t := &Table{File: name, Sheet: collection, Format: FormatBSON, HasHeader: true}
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		rows := newFieldRows(t)
		fields := map[string]string{}
		var doc []byte
		var offset int64 // of the document being read
		for n := int64(1); ; n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			pos := Position{File: name, Sheet: collection, Record: rows.record + 1}
			var length [4]byte
			switch _, err := io.ReadFull(in, length[:]); {
			case errors.Is(err, io.EOF):
				return nil
			case errors.Is(err, io.ErrUnexpectedEOF):
				t.warn(pos, "byte %d: the file ends inside a document's length: it is truncated", offset)
				return nil
			case err != nil:
				return r.readError(name, err)
			}
			size := int64(int32(binary.LittleEndian.Uint32(length[:])))
			switch {
			case size < 5:
				t.warn(pos, "byte %d: damaged BSON, a document cannot be %d bytes long; the rest of the file is not read", offset, size)
				return nil
			case size > int64(r.opts.MaxRecordBytes):
				t.warn(pos, "byte %d: document of %d bytes is longer than %d bytes; skipped", offset, size, r.opts.MaxRecordBytes)
				if skipped, err := io.CopyN(io.Discard, in, size-4); err != nil {
					return r.bsonCut(t, pos, offset, size, skipped+4, err)
				}
				offset += size
				continue
			}
			doc = append(doc[:0], length[:]...)
			doc = slices.Grow(doc, int(size))[:size]
			if got, err := io.ReadFull(in, doc[4:]); err != nil {
				return r.bsonCut(t, pos, offset, size, int64(got)+4, err)
			}
			clear(fields)
			if err := r.bsonFields(bson.Raw(doc), fields); err != nil {
				t.warn(pos, "byte %d: damaged document, skipped: %v", offset, err)
				t.addStats(TableStats{SkippedLines: 1})
			} else if err := rows.emit(pos, fields, fn); err != nil {
				return err
			}
			offset += size
		}
	}
	return r.emit(ctx, t, fn)
}

// bsonCut reports a document that the file ends inside.
func (r *Reader) bsonCut(t *Table, pos Position, offset, size, got int64, err error) error {
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return r.readError(t.File, err)
	}
	t.warn(pos, "byte %d: the file ends %d bytes into a document of %d bytes: it is truncated", offset, got, size)
	return nil
}

// bsonFields flattens a document into dotted fields, as JSON records are.
func (r *Reader) bsonFields(doc bson.Raw, fields map[string]string) error {
	v, err := bsonDocument(doc, false, r.opts.MaxJSONDepth)
	if err != nil {
		return err
	}
	if obj, ok := v.(map[string]any); ok {
		flatten("", obj, 0, r.opts.MaxJSONDepth, fields)
	}
	return nil
}

// bsonDocument decodes a document, or an array, into the values flatten
// reads: maps, slices, strings and nil. Past depth levels, what is left
// is not decoded.
func bsonDocument(doc bson.Raw, array bool, depth int) (any, error) {
	if depth < 0 {
		return fmt.Sprintf("(%d bytes nested too deeply to read)", len(doc)), nil
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	var arr []any
	if array {
		arr = make([]any, 0, len(elems))
	} else {
		obj = make(map[string]any, len(elems))
	}
	for _, e := range elems {
		v, err := bsonValue(e.Value(), depth)
		if err != nil {
			return nil, err
		}
		if array {
			arr = append(arr, v)
		} else {
			obj[strings.ToValidUTF8(e.Key(), "\uFFFD")] = v
		}
	}
	if array {
		return arr, nil
	}
	return obj, nil
}

// bsonValue turns a value into text the way mongoexport writes it in
// relaxed Extended JSON, without the wrappers: ObjectIds and binary data
// in hex, dates in RFC 3339, decimals as written.
func bsonValue(v bson.RawValue, depth int) (any, error) {
	switch v.Type {
	case bson.TypeEmbeddedDocument:
		return bsonDocument(v.Document(), false, depth-1)
	case bson.TypeArray:
		return bsonDocument(bson.Raw(v.Array()), true, depth-1)
	case bson.TypeString:
		return v.StringValue(), nil
	case bson.TypeDouble:
		return formatFloat(v.Double()), nil
	case bson.TypeInt32:
		return strconv.FormatInt(int64(v.Int32()), 10), nil
	case bson.TypeInt64:
		return strconv.FormatInt(v.Int64(), 10), nil
	case bson.TypeDecimal128:
		return v.Decimal128().String(), nil
	case bson.TypeObjectID:
		return v.ObjectID().Hex(), nil
	case bson.TypeDateTime:
		return formatMillis(v.DateTime()), nil
	case bson.TypeBoolean:
		return strconv.FormatBool(v.Boolean()), nil
	case bson.TypeBinary:
		_, data := v.Binary()
		return hex.EncodeToString(data), nil
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeSymbol:
		return v.Symbol(), nil
	case bson.TypeJavaScript:
		return v.JavaScript(), nil
	case bson.TypeCodeWithScope:
		code, _ := v.CodeWithScope()
		return code, nil
	case bson.TypeRegex:
		pattern, options := v.Regex()
		return "/" + pattern + "/" + options, nil
	case bson.TypeTimestamp:
		t, i := v.Timestamp()
		return fmt.Sprintf("%d:%d", t, i), nil
	case bson.TypeDBPointer:
		ns, id := v.DBPointer()
		return ns + "/" + id.Hex(), nil
	case bson.TypeMinKey:
		return "MinKey", nil
	case bson.TypeMaxKey:
		return "MaxKey", nil
	}
	return nil, fmt.Errorf("unknown BSON type 0x%02x", byte(v.Type))
}

// formatFloat writes a double as JSON does: no exponent for ordinary
// magnitudes, so that numbers stored as doubles read as written.
func formatFloat(f float64) string {
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) || math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

// extendedJSON collapses the wrappers of MongoDB's Extended JSON, as
// mongoexport writes them, into the text of their value: {"$oid": x} is
// x, so that the column is "_id", not "_id.$oid". Values are written as
// readBSON writes them. ok is false for any other object.
func extendedJSON(obj map[string]any) (string, bool) {
	switch len(obj) {
	case 1:
	case 2: // only the legacy {"$binary": x, "$type": t}
		return extendedBinary(obj)
	default:
		return "", false
	}
	for k, v := range obj {
		switch k {
		case "$oid", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal", "$symbol", "$code", "$uuid":
			s, ok := v.(string)
			return s, ok
		case "$date":
			return extendedDate(v)
		case "$binary":
			return extendedBinary(obj)
		case "$timestamp":
			if ts, ok := v.(map[string]any); ok {
				return fmt.Sprintf("%v:%v", ts["t"], ts["i"]), true
			}
		case "$regularExpression":
			if re, ok := v.(map[string]any); ok {
				return fmt.Sprintf("/%v/%v", re["pattern"], re["options"]), true
			}
		case "$minKey":
			return "MinKey", true
		case "$maxKey":
			return "MaxKey", true
		case "$undefined":
			return "", true
		}
	}
	return "", false
}

// extendedDate reads {"$date": ...}: an ISO 8601 text (relaxed), or
// milliseconds since 1970, as a number (legacy) or {"$numberLong": "ms"}
// (canonical).
func extendedDate(v any) (string, bool) {
	var ms string
	switch d := v.(type) {
	case string:
		return d, true
	case json.Number:
		ms = d.String()
	case float64:
		return formatMillis(int64(d)), true
	case map[string]any:
		s, ok := d["$numberLong"].(string)
		if !ok || len(d) != 1 {
			return "", false
		}
		ms = s
	default:
		return "", false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return "", false
	}
	return formatMillis(n), true
}

// extendedBinary reads {"$binary": {"base64": x, "subType": t}}, and the
// legacy {"$binary": x, "$type": t}, into hex.
func extendedBinary(obj map[string]any) (string, bool) {
	b64, ok := obj["$binary"].(string)
	if inner, isMap := obj["$binary"].(map[string]any); isMap && len(obj) == 1 {
		b64, ok = inner["base64"].(string)
	} else if _, typed := obj["$type"]; !typed || len(obj) != 2 {
		return "", false
	}
	if !ok {
		return "", false
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", false
	}
	return hex.EncodeToString(data), true
}
