"""Pages of the care workforce: the registry, training, post subsidies."""
