package main

import (
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/server/auth"
)

// TestMain lowers bcrypt's cost: every daemon start creates ten demo accounts.
func TestMain(m *testing.M) {
	auth.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}
