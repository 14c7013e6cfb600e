package dump

import "bytes"

// signature names a kind of file by the bytes it starts with, so that a
// file leakdesk does not read is reported as what it seems to be.
type signature struct {
	offset int
	magic  string
	kind   string
}

// signatures lists common binary files. Formats leakdesk reads are here too:
// they are described when they turn out damaged or unreadable.
var signatures = []signature{
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (Excel 97-2003 workbook, Word or Outlook file)"},
	{0, "PK\x03\x04", "a zip archive"},
	{0, "PK\x05\x06", "an empty zip archive"},
	{0, "Rar!\x1a\x07", "a RAR archive"},
	{0, "7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{0, "\xfd7zXZ\x00", "an xz stream"},
	{0, "BZh", "a bzip2 stream"},
	{0, "\x28\xb5\x2f\xfd", "a Zstandard stream"},
	{0, "\x04\x22\x4d\x18", "an LZ4 frame"},
	{0, "\x1f\x8b", "a gzip stream"},
	{0, "SQLite format 3\x00", "an SQLite 3 database"},
	{0, "PGDMP", "a PostgreSQL custom-format dump (pg_dump -Fc)"},
	{0, "%PDF-", "a PDF document"},
	{0, "\x7fELF", "an ELF executable or library"},
	{0, "MZ", "a Windows executable"},
	{0, "\x89PNG\r\n\x1a\n", "a PNG image"},
	{0, "\xff\xd8\xff", "a JPEG image"},
	{0, "GIF8", "a GIF image"},
	{0, "OggS", "an Ogg audio or video file"},
	{0, "ID3", "an MP3 audio file"},
	{4, "ftyp", "an MP4 or QuickTime video"},
	{0, "RIFF", "a RIFF file (WAV audio, AVI video, WebP image)"},
	{0, "-----BEGIN PGP MESSAGE-----", "an OpenPGP encrypted message"},
	{0, "\x85\x01", "an OpenPGP encrypted file"},
	{0, "age-encryption.org/", "an age encrypted file"},
	{0, "Salted__", "an OpenSSL encrypted file"},
	{0, "KDBX", "a KeePass database"},
	{0, "\x03\xd9\xa2\x9a", "a KeePass database"},
	{0, "MSCF", "a Microsoft cabinet archive"},
	{0, "\xed\xab\xee\xdb", "an RPM package"},
	{0, "!<arch>\n", "a Debian package or ar archive"},
	{0, "\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"},
	{0x8001, "CD001", "an ISO 9660 disc image"},
	{0, "\xca\xfe\xba\xbe", "a Java class or Mach-O executable"},
	{0, "\xcf\xfa\xed\xfe", "a Mach-O executable"},
}

// describe says what a binary file that starts with head seems to be, and
// that it is not read.
func describe(head []byte) string {
	for _, s := range signatures {
		if len(head) >= s.offset+len(s.magic) && bytes.Equal(head[s.offset:s.offset+len(s.magic)], []byte(s.magic)) {
			return "binary file that seems to be " + s.kind + ": not a format leakdesk reads"
		}
	}
	return "binary file of a kind leakdesk does not recognise: not read"
}
