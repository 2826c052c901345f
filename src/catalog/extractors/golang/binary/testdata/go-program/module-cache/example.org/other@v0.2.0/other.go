package other

// Name names this module.
func Name() string { return "other v0.2.0" }
