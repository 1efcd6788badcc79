"""Readers' comments and replies: the form, the rules, and the threads."""
