"""carerlib: reproducible evidence for commissioning support for unpaid adult carers."""

__version__ = "0.1.0"
