"""Pages: each view parses the request, calls a selector or service, and renders."""
