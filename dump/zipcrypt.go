package dump

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"

	"github.com/leakdesk/leakdesk"
)

// Encrypted zip members, as PKWARE's APPNOTE (traditional encryption,
// section 6.1) and WinZip's AE-1/AE-2 specification describe them. Go's
// archive/zip reads neither; OpenRaw gives the encrypted bytes, which are
// decrypted here and then decompressed as usual.

const (
	zipFlagEncrypted  = 0x1
	zipFlagDescriptor = 0x8
	zipMethodAES      = 99
	zipExtraAES       = 0x9901
)

// openZipMember opens a member, decrypting it with the reader's password
// when it is encrypted.
func (r *Reader) openZipMember(f *zip.File) (io.ReadCloser, error) {
	if f.Flags&zipFlagEncrypted == 0 {
		return f.Open()
	}
	if r.opts.Password == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "password-protected zip member: give its password with --password")
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, err
	}
	method := f.Method
	var plain io.Reader
	if method == zipMethodAES {
		strength, actual, ok := aesExtra(f.Extra)
		if !ok {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "AES-encrypted zip member without a valid AES extra field")
		}
		if plain, err = newWinZipAES(raw, int64(f.CompressedSize64), r.opts.Password, strength); err != nil {
			return nil, err
		}
		method = actual
	} else {
		if plain, err = newZipCrypto(raw, r.opts.Password, zipCryptoCheck(f)); err != nil {
			return nil, err
		}
	}
	var body io.ReadCloser
	switch method {
	case zip.Store:
		body = io.NopCloser(plain)
	case zip.Deflate:
		body = flate.NewReader(plain)
	default:
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "encrypted zip member compressed with method %d, which leakdesk does not decompress", method)
	}
	if f.Method == zipMethodAES && f.CRC32 == 0 {
		return body, nil // AE-2 stores no CRC: the MAC checked the bytes
	}
	return &crcChecker{r: body, want: f.CRC32, h: crc32.NewIEEE()}, nil
}

func wrongPassword() error {
	return leakdesk.Errorf(leakdesk.EINVALID, "password-protected zip member, and the password given does not open it")
}

// zipCryptoCheck is the byte the encryption header ends with: the CRC's
// high byte, or the DOS time's when a data descriptor follows the data
// (APPNOTE 6.1.6).
func zipCryptoCheck(f *zip.File) byte {
	if f.Flags&zipFlagDescriptor != 0 {
		//lint:ignore SA1019 the check byte is the DOS time's, which only this field holds
		return byte(f.ModifiedTime >> 8)
	}
	return byte(f.CRC32 >> 24)
}

// zipCrypto decrypts PKWARE's traditional encryption: three keys updated
// with each plain byte.
type zipCrypto struct {
	r    io.Reader
	keys [3]uint32
}

func newZipCrypto(r io.Reader, password string, check byte) (*zipCrypto, error) {
	z := &zipCrypto{r: r, keys: [3]uint32{0x12345678, 0x23456789, 0x34567890}}
	for i := 0; i < len(password); i++ {
		z.update(password[i])
	}
	var header [12]byte
	if _, err := io.ReadFull(z, header[:]); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "encrypted zip member is truncated")
	}
	if header[11] != check {
		return nil, wrongPassword()
	}
	return z, nil
}

func (z *zipCrypto) update(b byte) {
	z.keys[0] = crc32.IEEETable[byte(z.keys[0])^b] ^ (z.keys[0] >> 8)
	z.keys[1] = (z.keys[1]+(z.keys[0]&0xff))*134775813 + 1
	z.keys[2] = crc32.IEEETable[byte(z.keys[2])^byte(z.keys[1]>>24)] ^ (z.keys[2] >> 8)
}

func (z *zipCrypto) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	for i := range p[:n] {
		t := z.keys[2] | 2
		p[i] ^= byte((t * (t ^ 1)) >> 8)
		z.update(p[i])
	}
	return n, err
}

// aesExtra reads WinZip's AES extra field: the key strength and the method
// the data was compressed with before encryption.
func aesExtra(extra []byte) (strength byte, method uint16, ok bool) {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			return 0, 0, false
		}
		if id == zipExtraAES && size >= 7 && extra[4] >= 1 && extra[4] <= 3 {
			return extra[4], binary.LittleEndian.Uint16(extra[5:]), true
		}
		extra = extra[size:]
	}
	return 0, 0, false
}

// winZipAES decrypts AES in counter mode with WinZip's little-endian
// counter, and checks the HMAC-SHA1 that follows the data.
type winZipAES struct {
	r       io.Reader // the encrypted data, without salt, verifier or MAC
	mac     hash.Hash
	tail    io.Reader // the MAC
	block   cipher.Block
	counter [aes.BlockSize]byte
	stream  [aes.BlockSize]byte
	used    int
}

const winZipMACSize = 10

func newWinZipAES(raw io.Reader, size int64, password string, strength byte) (*winZipAES, error) {
	keyLen := 8 * (int(strength) + 1) // 16, 24 or 32 bytes
	saltLen := keyLen / 2
	if size < int64(saltLen+2+winZipMACSize) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "AES-encrypted zip member is truncated")
	}
	br := bufio.NewReader(raw)
	head := make([]byte, saltLen+2)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "AES-encrypted zip member is truncated")
	}
	keys, err := pbkdf2.Key(sha1.New, password, head[:saltLen], 1000, 2*keyLen+2)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(keys[2*keyLen:], head[saltLen:]) {
		return nil, wrongPassword()
	}
	block, err := aes.NewCipher(keys[:keyLen])
	if err != nil {
		return nil, err
	}
	data := size - int64(saltLen+2+winZipMACSize)
	return &winZipAES{
		r:     io.LimitReader(br, data),
		tail:  br,
		mac:   hmac.New(sha1.New, keys[keyLen:2*keyLen]),
		block: block,
		used:  aes.BlockSize,
	}, nil
}

func (w *winZipAES) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.mac.Write(p[:n])
	for i := range p[:n] {
		if w.used == aes.BlockSize {
			for j := range 8 { // a 64-bit little-endian counter, from 1
				w.counter[j]++
				if w.counter[j] != 0 {
					break
				}
			}
			w.block.Encrypt(w.stream[:], w.counter[:])
			w.used = 0
		}
		p[i] ^= w.stream[w.used]
		w.used++
	}
	if err == io.EOF {
		var got [winZipMACSize]byte
		if _, err := io.ReadFull(w.tail, got[:]); err != nil || !hmac.Equal(got[:], w.mac.Sum(nil)[:winZipMACSize]) {
			return n, leakdesk.Errorf(leakdesk.EINVALID, "AES-encrypted zip member fails its authentication code: damaged, or altered")
		}
	}
	return n, err
}

// crcChecker tells a wrong password, or damage, from the CRC at the end:
// traditional encryption checks one byte of the password only.
type crcChecker struct {
	r    io.ReadCloser
	want uint32
	h    hash.Hash32
}

func (c *crcChecker) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && c.h.Sum32() != c.want {
		return n, leakdesk.Errorf(leakdesk.EINVALID, "decrypted zip member fails its checksum: the password is wrong or the member is damaged")
	}
	return n, err
}

func (c *crcChecker) Close() error { return c.r.Close() }
