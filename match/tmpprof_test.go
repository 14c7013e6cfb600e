package match

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestTmpProfileIndex(t *testing.T) {
	src := os.Getenv("TMP_REG")
	if src == "" {
		t.Skip()
	}
	x, err := IndexRegistry(context.Background(), newTestReader(t), NewNormaliser("FR"), src, RegistryOptions{}, filepath.Join(t.TempDir(), "r.idx"))
	t.Log(x, err)
}
