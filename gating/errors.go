package gating

import "errors"

// Errors returned by this package. Campaign lifecycle refusals come as
// campaign.ErrNotOpen, campaign.ErrPaused and campaign.ErrEnded.
var (
	// ErrNotFound is an unknown, malformed or revoked token: all three look
	// the same to a visitor.
	ErrNotFound     = errors.New("link not found")
	ErrExpired      = errors.New("link expired")
	ErrSeatTaken    = errors.New("link already opened on another device")
	ErrTooDeep      = errors.New("chain too deep")
	ErrFull         = errors.New("campaign reached its view cap")
	ErrForwardLimit = errors.New("forward limit reached")
	ErrNoClaim      = errors.New("this device has not unlocked this link")
	// ErrNetworkCap is a new view from a network that already added as
	// many views to the campaign today as its rules allow.
	ErrNetworkCap = errors.New("too many views of this campaign from this network today")
	// ErrClosed is a write asked of a Store after Close (a request still
	// running when the server stops): nothing was written.
	ErrClosed = errors.New("store closed")
)
