"""What the notebooks call: parameters -> context -> sections, for each document (the
report, the portfolio) and the index of an output folder."""
