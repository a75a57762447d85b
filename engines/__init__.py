"""Pure engines: plain data in, plain data out. They import no Django and read no clock or
database (CONVENTIONS §1); an import-linter contract keeps it so."""
