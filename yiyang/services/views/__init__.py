"""Pages of the service chain, one module per sub-domain: thin views over the generic machinery and the actions."""
