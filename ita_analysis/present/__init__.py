"""Words and pictures: Thai sentences, advice, line breaks, the embedded font and the charts
that the documents show, computed from findings and nothing else."""
