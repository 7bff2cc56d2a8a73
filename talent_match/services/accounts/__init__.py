"""Who people are: accounts, their email addresses and the mail they want, API tokens, and the consents they gave."""
