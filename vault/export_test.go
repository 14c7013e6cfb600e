package vault

import "os"

// SetCreateTemp lets tests choose where blobs are written.
func (v *Vault) SetCreateTemp(fn func(dir string) (*os.File, error)) { v.createTemp = fn }
