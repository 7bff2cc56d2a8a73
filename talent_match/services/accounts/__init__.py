"""Who people are: accounts, API tokens, and the consents they gave."""
