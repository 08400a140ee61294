"""Day-2 modelling over the offline graph: what an unchanged second `up` and a config change do."""
