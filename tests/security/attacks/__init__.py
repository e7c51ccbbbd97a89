"""Attacks from issue 12, replayed end to end through the test client as the
lowest-privilege user who could try each. Every one failed on c866946."""
