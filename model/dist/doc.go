// Package dist holds the distributions a scenario's estimates can take: their parameters and
// validation, closed-form mean and variance, CDF and quantile, and sampling from a caller-supplied
// generator. It also has the Poisson count sampler the engine uses for event counts.
//
// Each distribution has its own file holding its type, its constructor and its Kind: the name a
// scenario gives it with dist:, its parameters, and how to build and describe it. kinds.go lists
// the kinds in a fixed, append-only order; the loader, the fuzz target and the docs' table check
// read that list, so a new distribution is one file plus one line there.
//
// Constructors validate and return a *ParamError instead of panicking, so no user input reaches a
// panicking path; the model package turns a ParamError into a positioned scenario error. Formulas
// are cited beside each distribution.
package dist
