// Package sipmath reads and writes SIPmath 3.0 libraries: JSON files of SIPs (stochastic
// information packets), the trials of uncertain quantities, that spreadsheet models (the SIPmath
// tools for Excel, ChanceCalc), Analytic Solver and Analytica exchange.
//
// The format follows the SIPmath 3.0 standard of probabilitymanagement.org as its reference
// implementations write and check it: the JSON Schema PySIPmath validates its output against
// (tests/multi-lib-schema-2021-08-19.json) with its worked example library, PySIPmath's writer
// (PySIP3library.py: libraryType "SIPmath_3_0", objectType "sipModel", HDR_2_0 generators) and
// reader (chanceCalc.py). A library is an object with a name and optional dateCreated, version and
// provenance strings; U01 lists the uniform sources, rng (each a name, a function and its
// arguments: "Index" counts the trials, "HDR_2_0" is Hubbard's counter-based generator) and
// optionally copula; sips lists the SIPs, each a name, a ref to its uniform source, a function
// and its arguments, with optional metadata:
//
//   - SIP_Array carries the trials themselves (arguments type "array" and value, in trial order)
//     and takes trial PM_Index from its Index source;
//   - Metalog_1_0 codes a SIP as Keelin's metalog quantile function (arguments aCoefficients and
//     optional lowerBound, upperBound) of a uniform source, trial PM_Index being Q(U(PM_Index)).
//
// Check applies the schema's rules and the references between its parts; Read decodes a checked
// library; New and the Add methods build one for writing. HDR is the HDR_2_0 generator (D. W.
// Hubbard, "A Multi-Dimensional, Counter-Based Pseudo Random Number Generator as a Standard for
// Monte Carlo Simulations", Winter Simulation Conference 2019), as rmetalog's rHDR and PySIPmath's
// hdr compute it.
//
// What is not implemented: SIPs drawn through a copula (U01.copula), Lookup_Table and
// GeneralizedMetalog SIPs, and SIP_Array SIPs whose trials live in a CSV or XLSX file named by a
// URL; Check accepts them, Trials refuses them with a message saying so.
package sipmath
