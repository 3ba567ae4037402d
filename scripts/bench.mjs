#!/usr/bin/env node
console.log("No benchmarks yet: the benchmark suite (token endpoint, FHIR API, scale, console) is its own issue.");
