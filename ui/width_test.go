package ui_test

import "github.com/charmbracelet/lipgloss"

func lipglossWidth(s string) int { return lipgloss.Width(s) }
