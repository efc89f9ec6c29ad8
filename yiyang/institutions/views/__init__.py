"""Pages of institutional care, one module per sub-domain."""
