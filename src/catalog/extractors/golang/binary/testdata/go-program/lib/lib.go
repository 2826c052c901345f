package lib

// Hello is the local library's greeting.
func Hello() string { return "hello from lib" }
