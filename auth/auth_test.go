package auth

import (
	"strings"
	"testing"
)

// testParams are cheap costs, so that the tests of the format run fast;
// BenchmarkHashPassword measures the real ones.
var testParams = Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestPassword(t *testing.T) {
	t.Parallel()
	hash := HashPassword("correct horse battery staple", testParams)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC string with its parameters", hash)
	}
	if strings.Contains(hash, "horse") {
		t.Fatal("the hash holds the password")
	}
	if ok, err := CheckPassword("correct horse battery staple", hash); !ok || err != nil {
		t.Errorf("the right password fails: %v %v", ok, err)
	}
	if ok, err := CheckPassword("correct horse battery stapler", hash); ok || err != nil {
		t.Errorf("a wrong password passes: %v %v", ok, err)
	}
	if again := HashPassword("correct horse battery staple", testParams); again == hash {
		t.Error("two hashes of the same password are equal: the salt is not random")
	}
}

// A hash made with other costs still checks: the parameters are read from it.
func TestPasswordOldParams(t *testing.T) {
	t.Parallel()
	hash := HashPassword("pw", Params{Memory: 2048, Time: 2, Threads: 2, KeyLen: 16, SaltLen: 8})
	if ok, err := CheckPassword("pw", hash); !ok || err != nil {
		t.Errorf("a hash with other parameters fails: %v %v", ok, err)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	t.Parallel()
	for _, hash := range []string{
		"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5aw",
		"$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5",
	} {
		if ok, err := CheckPassword("pw", hash); ok || err == nil {
			t.Errorf("%q: got %v, %v; want an error", hash, ok, err)
		}
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	a, b := NewSecret(TokenPrefix), NewSecret(TokenPrefix)
	if a == b || !HasPrefix(a, TokenPrefix) || HasPrefix(a, SessionPrefix) || len(a) != len(TokenPrefix)+43 {
		t.Fatalf("secrets %q and %q", a, b)
	}
	if SecretHash(a) == SecretHash(b) || SecretHash(a) != SecretHash(a) || strings.Contains(SecretHash(a), a[4:]) || len(SecretHash(a)) != 64 {
		t.Errorf("SecretHash(%q) = %q", a, SecretHash(a))
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("correct horse battery staple", DefaultParams())
	}
}
