// Package assets holds the files the till ships inside its binary: the
// example configuration (also the default) and the demo catalog.
package assets

import _ "embed"

// ExampleConfig is the documented example configuration; the till runs on
// it when no configuration file exists.
//
//go:embed till.example.toml
var ExampleConfig []byte

// DemoCatalog is the catalog `till --demo` loads into an empty database.
//
//go:embed demo-catalog.csv
var DemoCatalog []byte
