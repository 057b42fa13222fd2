"""Review: moderators decide leased cases; the evidence they see, the team's figures."""
