package main

import (
	"fmt"

	"example.com/lib"
	other "example.net/renamed"
	"example.org/greet"
)

func main() { fmt.Println(lib.Hello(), greet.Greet(), other.Name()) }
