package main

// Version is the program's version, recorded in every result so that shards of different
// versions are never merged. Release builds may set it with -ldflags "-X main.Version=...".
var Version = "0.1.0"
