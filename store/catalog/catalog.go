package catalog

import (
	"slices"
	"sort"
	"strings"

	"till/store/barcode"
	"till/store/sale"
)

// Catalog is an immutable in-memory index of items by SKU, barcode key and
// name. It is safe for concurrent use.
type Catalog struct {
	items  []sale.Item // sorted by SKU
	bySKU  map[string]int
	byCode map[string]int // barcode key -> item

	// text holds every item's lowered "sku\x00name\x00" back to back, so a
	// search is one fast substring scan instead of 100,000 small ones.
	text   string
	starts []int // item i's text is text[starts[i]:starts[i+1]]
}

// New indexes items by SKU and by each barcode key. Items are kept in SKU
// order; of items sharing an SKU or a barcode, the first given wins.
// Items returned by lookups share their Barcodes with the catalog and
// must be treated as read-only.
func New(items []sale.Item) *Catalog {
	its := slices.Clone(items)
	slices.SortStableFunc(its, func(a, b sale.Item) int { return strings.Compare(a.SKU, b.SKU) })
	its = slices.CompactFunc(its, func(a, b sale.Item) bool { return a.SKU == b.SKU })

	nCodes, nText := 0, 0
	for _, it := range its {
		nCodes += len(it.Barcodes)
		nText += len(it.SKU) + len(it.Name) + 2
	}
	c := &Catalog{
		items:  its,
		bySKU:  make(map[string]int, len(its)),
		byCode: make(map[string]int, nCodes),
		starts: make([]int, len(its)+1),
	}
	// Copied so that a caller changing its slices cannot change the index.
	arena := make([]string, 0, nCodes)
	var text strings.Builder
	text.Grow(nText + nText/8) // lowering some scripts grows the text
	for i := range its {
		it := &its[i]
		c.bySKU[it.SKU] = i
		start := len(arena)
		for _, b := range it.Barcodes {
			k := lookupKey(b)
			arena = append(arena, k)
			if _, dup := c.byCode[k]; !dup {
				c.byCode[k] = i
			}
		}
		it.Barcodes = nil
		if end := len(arena); end > start {
			it.Barcodes = arena[start:end:end]
		}
		c.starts[i] = text.Len()
		text.WriteString(searchText(it.SKU))
		text.WriteByte(0)
		text.WriteString(searchText(it.Name))
		text.WriteByte(0)
	}
	c.text = text.String()
	c.starts[len(its)] = len(c.text)
	return c
}

// lookupKey normalises a barcode so that items built by hand (a UPC-A
// rather than its EAN-13 key) are still found; anything that is not a
// valid GTIN is its own key.
func lookupKey(code string) string {
	if k, err := barcode.NormalizeKey(code); err == nil {
		return k
	}
	return code
}

// searchText lowers s and removes NUL, the separator of the search text.
func searchText(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "\x00", " ")
}

// Len is the number of items.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.items)
}

// BySKU returns the item with exactly this SKU.
func (c *Catalog) BySKU(sku string) (sale.Item, bool) {
	if c == nil {
		return sale.Item{}, false
	}
	i, ok := c.bySKU[sku]
	if !ok {
		return sale.Item{}, false
	}
	return c.items[i], true
}

// ByBarcode returns the item with this barcode key. A UPC-A is also found
// by its 12 digits.
func (c *Catalog) ByBarcode(key string) (sale.Item, bool) {
	if c == nil {
		return sale.Item{}, false
	}
	if it, ok := c.byKey(key); ok {
		return it, true
	}
	if k := lookupKey(key); k != key {
		return c.byKey(k)
	}
	return sale.Item{}, false
}

// Search returns up to limit items whose name or SKU contains every
// space-separated word of query, ignoring case, in SKU order. An empty
// query returns the first limit items.
func (c *Catalog) Search(query string, limit int) []sale.Item {
	if c == nil || limit <= 0 {
		return nil
	}
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return slices.Clone(c.items[:min(limit, len(c.items))])
	}
	for _, w := range words {
		if strings.IndexByte(w, 0) >= 0 {
			return nil // NUL separates entries, so nothing can contain it
		}
	}
	// Scan for the longest word, usually the rarest; check the rest per hit.
	slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
	first, rest := words[0], words[1:]

	var out []sale.Item
	for pos := 0; len(out) < limit; {
		j := strings.Index(c.text[pos:], first)
		if j < 0 {
			break
		}
		at := pos + j
		i := sort.Search(len(c.items), func(k int) bool { return c.starts[k+1] > at })
		entry := c.text[c.starts[i]:c.starts[i+1]]
		if containsAll(entry, rest) {
			out = append(out, c.items[i])
		}
		pos = c.starts[i+1]
	}
	return out
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
