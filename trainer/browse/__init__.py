"""The card browser's domain: the search language, the matched rows and the actions on them."""
