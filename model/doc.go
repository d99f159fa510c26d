// Package model holds noctop's provider-agnostic data types, the small
// capability interfaces the UI consumes, typed errors, and pure logic
// (filtering, sorting, units, downsampling). It performs no I/O and imports
// neither ui/ nor providers/.
package model
