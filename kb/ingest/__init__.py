"""Turn files into cleaned, described documents: read -> clean -> describe -> split."""
