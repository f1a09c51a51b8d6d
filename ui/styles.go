package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles holds every colour and text style the till draws with. Colours
// stay within the 16 ANSI colours so the Linux console shows them too.
type Styles struct {
	Header    lipgloss.Style
	Title     lipgloss.Style
	Rule      lipgloss.Style
	TableHead lipgloss.Style
	Row       lipgloss.Style
	Selected  lipgloss.Style
	Voided    lipgloss.Style
	Dim       lipgloss.Style
	Total     lipgloss.Style
	Due       lipgloss.Style
	Label     lipgloss.Style
	Prompt    lipgloss.Style
	Info      lipgloss.Style
	Error     lipgloss.Style
	Success   lipgloss.Style
	Status    lipgloss.Style
	Key       lipgloss.Style
	Receipt   lipgloss.Style
	// QR draws a code dark on light whatever the terminal's colours;
	// plain white, as the Linux console has no bright backgrounds.
	QR lipgloss.Style
}

// DefaultStyles builds the till's look.
func DefaultStyles() Styles {
	return Styles{
		Header:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightWhite).Background(lipgloss.Blue),
		Title:     lipgloss.NewStyle().Bold(true),
		Rule:      lipgloss.NewStyle().Foreground(lipgloss.BrightBlack),
		TableHead: lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Cyan),
		Row:       lipgloss.NewStyle(),
		Selected:  lipgloss.NewStyle().Reverse(true),
		Voided:    lipgloss.NewStyle().Foreground(lipgloss.BrightBlack).Strikethrough(true),
		Dim:       lipgloss.NewStyle().Foreground(lipgloss.BrightBlack),
		Total:     lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightWhite),
		Due:       lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightYellow),
		Label:     lipgloss.NewStyle().Foreground(lipgloss.Cyan),
		Prompt:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightCyan),
		Info:      lipgloss.NewStyle().Foreground(lipgloss.BrightGreen),
		Error:     lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightWhite).Background(lipgloss.Red),
		Success:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.BrightGreen),
		Status:    lipgloss.NewStyle().Foreground(lipgloss.White).Background(lipgloss.BrightBlack),
		Key:       lipgloss.NewStyle().Bold(true),
		Receipt:   lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1),
		QR:        lipgloss.NewStyle().Foreground(lipgloss.Black).Background(lipgloss.White),
	}
}
