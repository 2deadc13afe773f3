package config

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:embed demo.toml
var demoTOML []byte

// Load reads the TOML file at path, applies defaults and validates it.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes TOML data, applies defaults and validates the result. Name
// (usually the file name) only labels errors. A key the Config does not know
// is an error, so a misspelt option is never silently ignored.
func Parse(data []byte, name string) (*Config, error) {
	var c Config
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&c)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if keys := unknownKeys(md.Undecoded()); len(keys) > 0 {
		return nil, fmt.Errorf("config %s: unknown key %s", name, strings.Join(keys, ", "))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: invalid:\n%w", name, err)
	}
	return &c, nil
}

// unknownKeys names the undecoded keys, quoted, leaving out the keys inside
// an unknown table: "[colour] a = 1" reports "colour" once, not "colour.a".
func unknownKeys(undecoded []toml.Key) []string {
	var names []string
	var reported []string
outer:
	for _, k := range undecoded {
		s := k.String()
		for _, r := range reported {
			if strings.HasPrefix(s, r+".") {
				continue outer
			}
		}
		reported = append(reported, s)
		names = append(names, fmt.Sprintf("%q", s))
	}
	return names
}

// Demo returns the embedded demo center, a provincial center with eight
// departments whose devices are all simulated. Each call returns a fresh
// copy the caller may change.
func Demo() *Config {
	c, err := Parse(demoTOML, "demo.toml")
	if err != nil {
		// A test parses the embedded file, so this is a build defect.
		panic(err)
	}
	return c
}
