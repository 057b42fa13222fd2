"""Support standards on every queue: answer-time targets, ratings of support and the
"close the loop" follow-ups a negative rating opens, survey answers."""
