# Every target works on a fresh machine with Go installed; `make test`
# also needs tmux for the real-terminal tests and a C compiler for the
# race detector and USB HID (cgo); .ci/run installs them.

GO ?= go

.PHONY: run test bench fuzz build vet golden

run: ## run the till on the built-in demo
	$(GO) run ./cmd/till --demo

test: vet ## every test, with the race detector
	$(GO) test -race -count=1 ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

bench: ## benchmarks, figures as in README
	$(GO) test -run='^$$' -bench=. -benchmem ./...

fuzz: ## a short run of every fuzz test
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=20s ./store/barcode
	$(GO) test -run='^$$' -fuzz=FuzzText -fuzztime=20s ./store/sanitize
	$(GO) test -run='^$$' -fuzz=FuzzReadCSV -fuzztime=20s ./store/catalog
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=20s -fuzzminimizetime=2s ./providers/cancan
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=20s -fuzzminimizetime=2s ./providers/ipass
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=20s -fuzzminimizetime=2s ./providers/swip
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=20s -fuzzminimizetime=2s ./providers/pass2u
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=20s -fuzzminimizetime=2s ./providers/ticketbao
	$(GO) test -run='^$$' -fuzz=FuzzKeyboardReports -fuzztime=20s ./hardware/hid
	$(GO) test -run='^$$' -fuzz=FuzzPOSReports -fuzztime=20s ./hardware/hid
	$(GO) test -run='^$$' -fuzz=FuzzRender -fuzztime=20s ./hardware/printer

golden: ## rewrite the golden screens after a deliberate change
	$(GO) test ./ui -update

build:
	$(GO) build -o till ./cmd/till
	$(GO) build -o tillsim ./cmd/tillsim
