"""The reader's side: the home page, post pages, tag and archive pages."""
