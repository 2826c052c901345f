module example.com/app

go 1.19

require (
	example.com/lib v1.2.3
	example.net/renamed v0.1.0
	example.org/greet v1.4.0
)

// A local directory: the build info records `=> ../lib (devel)`.
replace example.com/lib => ../lib

// Another module at a version, taken from the pre-filled module cache (the module proxy is not used).
replace example.net/renamed => example.org/other v0.2.0
