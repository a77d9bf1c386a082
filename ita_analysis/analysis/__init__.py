"""What the scores say: findings, the reconciliation with published figures, the scope of a
run, portfolio figures."""
