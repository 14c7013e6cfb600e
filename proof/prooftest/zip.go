package prooftest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// EditZip returns the zip archive data with edit applied to its files,
// by name, as an attacker with the bundle in hand would change it. A file
// edit deletes is left out.
func EditZip(t testing.TB, data []byte, edit func(files map[string][]byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files, order := map[string][]byte{}, []string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], order = content, append(order, f.Name)
	}
	edit(files)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range order {
		if content, ok := files[name]; ok {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(content)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
