"""The buying organisation's companies, its vendor accounts, and the master data POs refer to."""
