package match

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

// FuzzReadIndex feeds damaged index files to the reader, which must refuse
// them, never panic, and never read more contacts than the file says.
// When fix is set the size and checksum are made right first, so that the
// fuzzer reaches the sections, the key table and the contacts.
func FuzzReadIndex(f *testing.F) {
	n := NewNormaliser("FR")
	reg := RegistryOf(n, []Record{
		{Row: 1, Emails: []string{"anne@example.org"}, Phones: []string{"+33612345678"}, First: []string{"anne"}, Last: []string{"martin"}, Birth: "19850314"},
		{Row: 2, Emails: []string{"b.durand@example.fr"}, Last: []string{"durand"}, Org: "ville brest", Address: []string{"12", "rue"}},
	})
	reg.AddHistory([]Change{{At: time.Date(2026, 4, 2, 0, 30, 0, 0, time.FixedZone("", 7200)), ContactID: "1", Field: "email", Old: "anne@old.example"}})
	var b bytes.Buffer
	if err := reg.WriteIndex(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes(), false)
	f.Add(b.Bytes(), true)
	f.Add(b.Bytes()[:100], true)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix && len(data) >= indexHeader+4 {
			binary.LittleEndian.PutUint64(data[48:], uint64(len(data)))
			binary.LittleEndian.PutUint32(data[len(data)-4:], crc32.Checksum(data[:len(data)-4], castagnoli))
		}
		got, err := readIndex(data, n)
		if err != nil {
			return
		}
		if want := binary.LittleEndian.Uint64(data[24:]); uint64(got.Len()) != want {
			t.Fatalf("%d contacts read, the header says %d", got.Len(), want)
		}
		kt := got.keys.table()
		for i := range kt.fps {
			for _, id := range kt.ids[kt.start[i]:kt.start[i+1]] {
				_ = got.Contact(int(id))
			}
		}
		for i := range got.Len() {
			_ = got.Contact(i) // every contact reads, or opening refused the file
		}
		pl := got.phoneLayouts()
		for i := range pl.count() {
			pl.find(strings.TrimPrefix(pl.number(i), "+"))
		}
	})
}
