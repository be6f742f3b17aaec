//go:build !unix

package main

// toolCPU is not measured outside Unix.
func toolCPU() float64 { return 0 }
