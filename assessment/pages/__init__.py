"""The assessment pages."""
