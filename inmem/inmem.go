// Package inmem holds the in-process implementations of meetpin's
// realtime and cache interfaces (Broker, Cache): the default for a single
// replica, and the local fan-out that the redis package builds on when
// there are several.
//
// Nothing here survives a restart or crosses a process boundary; use the
// redis package as soon as a deployment runs more than one replica.
package inmem
