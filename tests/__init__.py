"""Tests that are not one app's, and the fixtures every app's tests build on (outside the
`huying` package, so they are neither shipped nor part of its import layers)."""
