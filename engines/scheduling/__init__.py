"""Weekly scheduling: the instance/solution format, the CP-SAT solver, an independent
validator, a seeded generator and a greedy baseline. Pure Python; no Django."""
