// Package dist holds the distributions a scenario's estimates can take: their parameters and
// validation, closed-form mean and variance, CDF and quantile, and sampling from a caller-supplied
// generator. It also has the Poisson count sampler the engine uses for event counts.
//
// Constructors validate and return a *ParamError instead of panicking, so no user input reaches a
// panicking path; the model package turns a ParamError into a positioned scenario error. Formulas
// are cited beside each distribution.
package dist
