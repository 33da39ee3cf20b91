"""Dataset compliance audit: several linked tables, one policy, findings mapped to controls."""
