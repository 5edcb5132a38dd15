"""Result views: a tab per question, a view per kind of answer (breakdown, series, report)."""
