"""Analytics Explorer: a desktop explorer for api.video audience analytics."""

__version__ = "0.1.0"
