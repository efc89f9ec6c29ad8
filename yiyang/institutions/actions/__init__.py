"""Workflows of institutional care, one module per sub-domain (facility, residents, safety, supervision,
subsidies). Each is atomic, guarded by ``require``, decides on the locked row and writes its audit row."""
